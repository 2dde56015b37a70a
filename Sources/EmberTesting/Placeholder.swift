enum _PlaceholderEmberTesting {}
