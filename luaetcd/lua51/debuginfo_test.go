package lua51

import "testing"

func TestGetInfoFields(t *testing.T) {
	check(t, `
local function f() return debug.getinfo(1, 'nSl') end
local i = f()
print(i.name, i.namewhat, i.what, i.source, i.short_src, i.currentline, i.linedefined, i.lastlinedefined)
local c = debug.getinfo(print)
print(c.what, c.source, c.short_src, c.currentline, c.linedefined, c.nups)
local m = debug.getinfo(1)
print(m.what, m.name, m.namewhat, m.currentline)
print(debug.getinfo(50))
print(pcall(debug.getinfo, 1, '?'))
`, `
f	local	Lua	@t.lua	t.lua	2	2	2
C	=[C]	[C]	-1	-1	0
main	nil		7
nil
false	bad argument #2 to '?' (invalid option)
`)
}

func TestIOLinesMissingFile(t *testing.T) {
	check(t, `
print(pcall(function() for l in io.lines('/nonexistent/x') do end end))
`, `
false	t.lua:2: bad argument #1 to 'lines' (/nonexistent/x: No such file or directory)
`)
}
