print("ember: bootstrapping")
