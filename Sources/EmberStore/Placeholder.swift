enum _PlaceholderEmberStore {}
