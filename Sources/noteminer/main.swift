print("noteminer")
