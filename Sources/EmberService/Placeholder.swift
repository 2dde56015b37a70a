enum _PlaceholderEmberService {}
