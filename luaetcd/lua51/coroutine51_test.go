package lua51

import "testing"

// A runaway recursion inside a coroutine ends the coroutine with Lua 5.1's
// "stack overflow" (without the position, which gopher-lua drops), through
// resume and through wrap; the resumer goes on.
func TestCoroutineStackOverflow(t *testing.T) {
	L := NewState()
	defer L.Close()
	src := `
local co = coroutine.create(function() local function f() f() end f() end)
local ok, e = coroutine.resume(co)
assert(not ok and e == 'stack overflow', e)
assert(coroutine.status(co) == 'dead')
ok, e = pcall(coroutine.wrap(function() local function f() return 1 + f() end return f() end))
assert(not ok and e:find('stack overflow$'), e)
assert(coroutine.resume(coroutine.create(function() return 1 end)))`
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
}
