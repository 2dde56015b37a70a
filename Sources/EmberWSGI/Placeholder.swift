enum _PlaceholderEmberWSGI {}
