print(string.find("hello world", "wor"))
print(string.find("hello world", "o", 6))
print(string.find("hello world", "l+"))
print(string.find("a.b.c", ".", 1, true))
print(string.find("abc", "x"))
print(string.find("key=value", "(%w+)=(%w+)"))
print(string.find("abc", "b", -2))
print(string.match("key = value", "(%w+)%s*=%s*(%w+)"))
print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
print(string.match("hello", "()ll()"))
print("[KD13]", string.match("  x", "^%s*$"))
print(string.match("[[nested]]", "%[%[(.-)%]%]"))
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do io.write(k, ":", v, " ") end
print()
for w in string.gmatch("one two  three", "%a+") do io.write("<", w, ">") end
print()
local n = 0
for _ in ("abcabc"):gmatch("b") do n = n + 1 end
print(n)
print(("%d items"):format(3), ("abc"):upper(), ("ABC"):lower(), ("abc"):len())
