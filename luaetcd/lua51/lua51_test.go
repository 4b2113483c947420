package lua51

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// newState builds a state as the hosts do (NewState: Options, then Open) with
// print writing to the returned builder, formatted as Lua 5.1's print.
func newState(t testing.TB) (*lua.LState, *strings.Builder) {
	L := NewState()
	out := &strings.Builder{}
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		top := L.GetTop()
		tostring := L.GetGlobal("tostring")
		for i := 1; i <= top; i++ {
			if i > 1 {
				out.WriteByte('\t')
			}
			L.Push(tostring)
			L.Push(L.Get(i))
			L.Call(1, 1)
			out.WriteString(L.ToString(-1))
			L.Pop(1)
		}
		out.WriteByte('\n')
		return 0
	}))
	return L, out
}

// run runs code as chunk "t.lua" and returns what it printed.
func run(t *testing.T, code string) string {
	t.Helper()
	L, out := newState(t)
	defer L.Close()
	fn, err := L.Load(strings.NewReader(code), "t.lua")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		t.Fatalf("run: %v\noutput so far:\n%s", err, out.String())
	}
	return out.String()
}

// check runs code and compares its output with want, the output of Lua 5.1
// for the same code. When lua5.1 is installed, want is verified with it.
func check(t *testing.T, code, want string) {
	t.Helper()
	got := run(t, code)
	want = strings.TrimLeft(want, "\n")
	if lua51, err := exec.LookPath("lua5.1"); err == nil {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "t.lua"), []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(lua51, "t.lua")
		cmd.Dir = dir
		ref, err := cmd.CombinedOutput()
		if err != nil || string(ref) != want {
			t.Errorf("the expected output disagrees with lua5.1 (%v):\n%s", err, ref)
		}
	}
	if got != want {
		t.Errorf("code:\n%s\ngot:\n%s\nwant (Lua 5.1):\n%s", code, got, want)
	}
}

// checkGopher is check for outputs that are gopher-lua's, not Lua 5.1's.
func checkGopher(t *testing.T, code, want string) {
	t.Helper()
	if got := run(t, code); got != strings.TrimLeft(want, "\n") {
		t.Errorf("code:\n%s\ngot:\n%s\nwant:\n%s", code, got, want)
	}
}

func TestIssue448ClosureAfterPCall(t *testing.T) {
	check(t, `local N=0; local function inc() N=N+1 end; pcall(function() error'x' end); inc(); print(N)`, "1\n")
}

func TestClosureVariants(t *testing.T) {
	// several closures sharing one upvalue, created before the pcall
	check(t, `
local n = 0
local function inc() n = n + 1 end
local function get() return n end
pcall(error, "boom")
inc(); inc()
print(n, get())
n = 10
print(get())
`, "2\t2\n10\n")
	// closures created in a loop, each with its own upvalue
	check(t, `
local fs = {}
for i = 1, 3 do
  local v = i
  fs[i] = function() v = v * 10; return v end
  pcall(function() error({}) end)
end
print(fs[1](), fs[2](), fs[3](), fs[1]())
`, "10\t20\t30\t100\n")
	// a closure escaping from the failing function keeps its (closed) value,
	// and it is not disturbed by later calls reusing the stack
	check(t, `
local g
pcall(function()
  local secret = "kept"
  g = function() return secret end
  error("x")
end)
local function clobber(a, b, c, d) return a, b, c, d end
clobber(1, 2, 3, 4)
pcall(function() local a, b, c = 7, 8, 9; error("y") end)
print(g())
`, "kept\n")
	// the same for xpcall (gopher-lua leaves these upvalues open)
	check(t, `
local g
xpcall(function()
  local secret = "kept"
  g = function() return secret end
  error("x")
end, function(m) return m end)
local function clobber(a, b, c, d) return a, b, c, d end
clobber(1, 2, 3, 4)
xpcall(function() local a, b, c = 7, 8, 9; error("y") end, print)
print(g())
`, "t.lua:10: y\nkept\n")
	// nested pcalls, errors at each level, outer locals still shared
	check(t, `
local n = 0
local function inc() n = n + 1 end
print(pcall(function()
  local m = 0
  local function incm() m = m + 1 end
  print(pcall(function() inc(); error("inner") end))
  incm(); inc()
  print(pcall(error))
  incm()
  print("m", m)
  error("outer", 0)
end))
inc()
print("n", n)
`, "false\tt.lua:7: inner\nfalse\tnil\nm\t2\nfalse\touter\nn\t3\n")
	// closures inside a function whose callee's pcall fails
	check(t, `
local function counter()
  local c = 0
  return function() c = c + 1; return c end, function() return c end
end
local incr, get = counter()
incr()
for i = 1, 3 do pcall(function() incr(); error("e") end) end
print(get(), incr())
`, "4\t5\n")
	// xpcall variant of the issue
	check(t, `local N=0; local function inc() N=N+1 end; xpcall(function() error'x' end, print); inc(); print(N)`,
		"t.lua:1: x\n1\n")
}

func TestResults(t *testing.T) {
	check(t, `
print(pcall(function(...) return ... end, 1, nil, 3, nil))
print(select('#', pcall(function() return nil, nil end)))
print(select('#', pcall(function() end)))
print(pcall(select, '#', 1, 2, 3))
print(pcall(setmetatable({}, {__call = function(self, a) return "called", a end}), 5))
print(pcall(nil))
print(pcall(42))
`, `
true	1	nil	3	nil
3
1
true	3
true	called	5
false	attempt to call a nil value
false	attempt to call a number value
`)
}

func TestErrorObjects(t *testing.T) {
	check(t, `
local t = {}
local ok, e = pcall(error, t); print(ok, e == t)
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, 42))
print(math.type == nil, pcall(error, 1.5))
print(pcall(error, false))
print(pcall(error, true))
print(pcall(error, "m"))
print(pcall(error, "m", 0))
print(pcall(function() error("m") end))
print(pcall(function() error("m", 0) end))
print(pcall(function() error("m", 2) end))
local function lvl2() error("deep", 2) end
print(pcall(function()
  lvl2()
end))
local ok, e = pcall(function() error(setmetatable({}, {__tostring = function() return "obj" end})) end)
print(ok, tostring(e))
`, `
false	true
false	nil
false	nil
false	42
true	false	1.5
false	false
false	true
false	m
false	m
false	t.lua:12: m
false	m
false	m
false	t.lua:17: deep
false	obj
`)
}

func TestRuntimeErrors(t *testing.T) {
	// gopher-lua's own messages (not Lua 5.1's, see KNOWN_DIFFERENCES.md);
	// the position is Lua 5.1's.
	checkGopher(t, `
print(pcall(function() local x = nil + 1 end))
print(pcall(function() local f; f() end))
print(pcall(function() return 1 < "x" end))
`, `
false	t.lua:2: cannot perform add operation between nil and number
false	t.lua:3: attempt to call a non-function object
false	t.lua:4: attempt to compare number with string
`)
}

func TestGoErrors(t *testing.T) {
	code := `
print(pcall(function() goraise("x") end))
print(pcall(function() goarg(1) end))
print(pcall(function() return string.rep() end))
print(pcall(goraise, "y"))
print(pcall(string.rep))
print(pcall(function() gopanic() end))
local ok, e = pcall(function() goobj() end); print(ok, type(e), e.k)
`
	setup := func(L *lua.LState) {
		L.SetGlobal("goraise", L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("raised %s", L.CheckString(1))
			return 0
		}))
		L.SetGlobal("goarg", L.NewFunction(func(L *lua.LState) int {
			L.ArgError(1, "bad thing")
			return 0
		}))
		L.SetGlobal("gopanic", L.NewFunction(func(L *lua.LState) int {
			panic("go panic")
		}))
		L.SetGlobal("goobj", L.NewFunction(func(L *lua.LState) int {
			tb := L.NewTable()
			tb.RawSetString("k", lua.LString("v"))
			L.Error(tb, 1)
			return 0
		}))
	}
	L, out := newState(t)
	defer L.Close()
	setup(L)
	if err := L.DoString(code); err != nil {
		t.Fatal(err)
	}
	// Errors from Go functions called by Lua code: as before (plain
	// gopher-lua). Go functions called directly by pcall: no position, as in
	// Lua 5.1, where the caller is pcall, a C function.
	want := `false	<string>:2: raised x
false	<string>:3: bad argument #1 to goarg (bad thing)
false	<string>:4: bad argument #1 to rep (string expected, got nil)
false	raised y
false	bad argument #1 to '?' (string expected, got nil)
false	go panic
false	table	v
`
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestXPCall(t *testing.T) {
	check(t, `
print(xpcall(function() error'a' end, function(m) return "H:"..m end))
print(xpcall(function() return 1, 2, 3 end, print))
print(xpcall(function(...) return select('#', ...) end, print, 1, 2))
print(xpcall(function() error'a' end, function(m) error'b' end))
print(xpcall(function() error'a' end, 42))
print(xpcall(function() error({}) end, function(m) return type(m) end))
print(xpcall(function() error() end, function(m) return m == nil end))
print(xpcall(nil, function(m) return "H:"..m end))
print(xpcall(function() error'a' end, function(m) return 1, 2 end))
print(xpcall(function() local x = {} ; return x.y.z end, function(m) return "caught" end))
print(pcall(xpcall, function() end))
print(xpcall(function()
  return xpcall(function() error("in", 0) end, function(m) return "h1:" .. m end)
end, function(m) return "h2:" .. m end))
-- the handler runs before the stack is unwound
local function where() return debug.traceback("tb") end
local ok, tb = xpcall(function() local function inner() error("z") end inner() end, where)
print(ok, type(tb), (tb:find("inner") ~= nil))
`, `
false	H:t.lua:2: a
true	1	2	3
true	0
false	error in error handling
false	error in error handling
false	table
false	true
false	H:attempt to call a nil value
false	1
false	caught
false	bad argument #2 to '?' (value expected)
true	false	h1:in
false	string	true
`)
}

func TestStackOverflow(t *testing.T) {
	check(t, `
local function rec(n) return 1 + rec(n + 1) end
local ok, e = pcall(rec, 1)
print(ok, (string.find(e, "stack overflow", 1, true)) ~= nil)
local depth = 0
local function deep(n) depth = n; if n == 0 then error("bottom") end; return 1 + deep(n - 1) end
print(pcall(deep, 100))
local function pr(n) local ok, e = pcall(pr, n+1) if not ok then return n .. ":" .. tostring(e) end return e end
print(pr(1))
-- still usable afterwards
print(pcall(function() return "fine" end))
`, `
false	true
false	t.lua:6: bottom
198:C stack overflow
true	fine
`)
}

func TestCoroutines(t *testing.T) {
	// yield inside pcall fails as in Lua 5.1 (gopher-lua v1.1.2 returned
	// from pcall early and crashed on the next resume)
	check(t, `
local co = coroutine.create(function(a)
  print("start", a)
  local ok, v = pcall(function()
    local x = coroutine.yield(1)
    return x * 2
  end)
  print("pcall", ok, v)
  print(pcall(coroutine.yield, 5))
  local y = coroutine.yield(2)
  return y
end)
print(coroutine.resume(co, "a"))
print(coroutine.status(co))
print(coroutine.resume(co, 20))
print(coroutine.status(co))
print(coroutine.resume(co, 20))
`, `
start	a
pcall	false	attempt to yield across metamethod/C-call boundary
false	attempt to yield across metamethod/C-call boundary
true	2
suspended
true	20
dead
false	cannot resume dead coroutine
`)
	// yield outside pcall inside a coroutine that uses pcall, coroutines
	// resumed inside pcall, running/status from inside pcall
	check(t, `
local co
co = coroutine.create(function()
  for i = 1, 3 do
    local ok, e = pcall(function() if i == 2 then error("two", 0) end return i end)
    coroutine.yield(ok, e)
  end
  pcall(function()
    print("running is co", coroutine.running() == co, coroutine.status(co))
    local inner = coroutine.wrap(function(x) local y = coroutine.yield(x + 1); return y * 2 end)
    print("inner", inner(1), inner(5))
    print("after inner", coroutine.running() == co, coroutine.status(co))
  end)
  return "end"
end)
for i = 1, 5 do print(coroutine.resume(co)) end
print(coroutine.running())
print(pcall(coroutine.running))
print(pcall(function()
  local c = coroutine.create(function(a, b) local x = coroutine.yield(a + b); error("co err " .. x, 0) end)
  print(coroutine.resume(c, 1, 2))
  print(coroutine.resume(c, "x"))
  print(coroutine.status(c))
  return "ok"
end))
print(pcall(coroutine.yield, 1))
`, `
true	true	1
true	false	two
true	true	3
running is co	true	running
inner	2	10
after inner	true	running
true	end
false	cannot resume dead coroutine
nil
true	nil
true	3
false	co err x
dead
true	ok
false	attempt to yield across metamethod/C-call boundary
`)
	check(t, `print(pcall(function() return coroutine.yield() end))
print(select(2, xpcall(coroutine.yield, function(m) return m end)))`,
		"false\tattempt to yield across metamethod/C-call boundary\nattempt to yield across metamethod/C-call boundary\n")
}

func TestContextCancelStopsPCallLoop(t *testing.T) {
	scripts := []string{
		`while true do pcall(function() end) end`,
		`while true do pcall(function() while true do end end) end`,
		`while true do pcall(pcall, function() while true do end end) end`,
		`while true do xpcall(function() while true do end end, function(m) return m end) end`,
		`local function f() while true do end end
		 while true do local ok = pcall(f); if not ok then while true do pcall(f) end end end`,
	}
	for _, code := range scripts {
		L, _ := newState(t)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		L.SetContext(ctx)
		done := make(chan error, 1)
		go func() { done <- L.DoString(code) }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "context deadline exceeded") {
				t.Errorf("%s: got %v, want a context error", code, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still running 5s after the context was cancelled", code)
		}
		cancel()
		L.Close()
	}
}

func TestContextSetAfterOpenAndRemoved(t *testing.T) {
	L, out := newState(t)
	defer L.Close()
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	if err := L.DoString(`print(pcall(function() return 1 end))`); err != nil {
		t.Fatal(err)
	}
	cancel()
	L.RemoveContext()
	if err := L.DoString(`print(pcall(function() return 2 end))`); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "true\t1\ntrue\t2\n" {
		t.Errorf("got %q", got)
	}
}

const benchSucceed = `local f = function(a) return a end
return function(n) for i = 1, n do pcall(f, i) end end`

const benchFail = `local f = function() error("x") end
return function(n) for i = 1, n do pcall(f) end end`

func bench(b *testing.B, code string, open bool) {
	L := lua.NewState()
	defer L.Close()
	if open {
		Open(L)
	}
	if err := L.DoString(code); err != nil {
		b.Fatal(err)
	}
	loop := L.Get(-1)
	L.Pop(1)
	b.ReportAllocs()
	b.ResetTimer()
	if err := L.CallByParam(lua.P{Fn: loop, Protect: true}, lua.LNumber(b.N)); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkPCallSucceedGopherLua(b *testing.B) { bench(b, benchSucceed, false) }
func BenchmarkPCallSucceedLua51(b *testing.B)     { bench(b, benchSucceed, true) }
func BenchmarkPCallErrorGopherLua(b *testing.B)   { bench(b, benchFail, false) }
func BenchmarkPCallErrorLua51(b *testing.B)       { bench(b, benchFail, true) }
