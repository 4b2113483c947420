package lua51

import "testing"

func TestLoadStringNames(t *testing.T) {
	check(t, `
print(select(2, pcall(loadstring('error("e")'))))
print(select(2, pcall(loadstring('error("e")', '=name'))))
print(debug.getinfo(loadstring('return 1')).source)
local parts = { 'return ', '42' }
local i = 0
local f = load(function() i = i + 1; return parts[i] end)
print(f(), debug.getinfo(f).source)
print(pcall(load, function() return {} end))
`, `
[string "error("e")"]:1: e
name:1: e
return 1
42	=(load)
true	nil	reader function must return a string
`)
}

func TestSyntaxErrorShape(t *testing.T) {
	checkGopher(t, `
print(loadstring('x x'))
print(loadstring('return (', '=n'))
`, `
nil	[string "x x"]:1: parse error near 'x'
nil	n:1: syntax error near '<eof>'
`)
}
