print("before exit")
io.write("unflushed? ")
pcall(os.exit, 3)
print("not reached")
