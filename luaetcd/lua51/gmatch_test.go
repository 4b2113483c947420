package lua51

import "testing"

func TestGmatchPlainIterator(t *testing.T) {
	check(t, `
print(('/kresd/net/127.0.0.1'):gmatch('([^/]+)/([^/]+)$')())
local it = ('a1b2'):gmatch('%a(%d)')
print(it(), it(), it(), it())
for k, v in ('k=v'):gmatch('(%w)=(%w)') do print(k, v) end
`, `
net	127.0.0.1
1	2	nil
k	v
`)
}
