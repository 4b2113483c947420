package lua51

import (
	"strings"
	"testing"
)

// table.concat and string.rep refuse results over MaxStringLength (lua5.1
// would allocate them, so the corpus cannot compare this).
func TestStringLengthOverflow(t *testing.T) {
	L := NewState()
	defer L.Close()
	for _, src := range []string{
		"return string.rep(string.rep('x', 1024), 2^21 + 1)", // 2 GiB + 1 KiB
		"return string.rep('x', 2^31)",
		"return ('ab'):rep(2^30)",
	} {
		err := L.DoString(src)
		if err == nil || !strings.Contains(err.Error(), "<string>:1: string length overflow") {
			t.Errorf("%s: %v, want string length overflow", src, err)
		}
	}
	if err := L.DoString("assert(#string.rep('ab', 2^20) == 2^21)"); err != nil {
		t.Error(err)
	}
}

// The names hidden from scripts stay out of package.loaded too, and the
// string metatable is Lua 5.1's (its own table, __index = string).
func TestHiddenNames(t *testing.T) {
	L := NewState()
	defer L.Close()
	src := `
assert(package.loaded.channel == nil and rawget(_G, 'channel') == nil)
assert(rawget(_G, '_GOPHER_LUA_VERSION') == nil and rawget(_G, '_printregs') == nil)
assert(os.setenv == nil and string.__index == nil)
local mt = getmetatable('')
assert(mt ~= string and mt.__index == string and ('x'):upper() == 'X')
assert(package.loaded.package == package)`
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
}
