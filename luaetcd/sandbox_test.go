package luaetcd_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// sandboxModules are the modules a sandboxed script may require.
var sandboxModules = []string{"etcd", "etcd.luasocket", "util", "util.typeof", "util.string", "util.table",
	"cjson", "cjson.safe", "path", "socket", "socket.url", "ltn12", "os", "string", "table", "math", "coroutine", "debug"}

func newSandbox(t *testing.T, allow ...string) *lua.LState {
	t.Helper()
	L := luaetcd.NewState(context.Background(), luaetcd.WithSandbox(allow...),
		luaetcd.WithEndpoints(etcdServer.ClientURL))
	t.Cleanup(L.Close)
	return L
}

// Every removed function raises an error that names it and the sandbox.
func TestSandboxRemovedFunctionsRaise(t *testing.T) {
	L := newSandbox(t)
	for _, call := range []string{
		"os.execute('true')", "os.exit(3)", "os.getenv('HOME')", "os.remove('/tmp/x')", "os.rename('a', 'b')",
		"os.tmpname()", "os.setlocale('C')", "io.open('/etc/passwd')", "io.popen('id')", "io.write('x')",
		"io.lines('/etc/passwd')", "dofile('/etc/passwd')", "loadfile('/etc/passwd')", "string.dump(print)",
		"('x'):dump()", "package.loadlib('libc.so.6', 'system')", "debug.getinfo(1)", "debug.getregistry()",
		"debug.sethook()", "debug.getupvalue(print, 1)", "require('io')", "require('socket.http')",
		"require('channel')",
	} {
		err := L.DoString(call)
		name := call[:strings.IndexAny(call, "(")]
		switch {
		case strings.HasPrefix(call, "require"):
			name = "module '" + strings.Trim(call[8:len(call)-1], "'") + "'"
		case strings.HasPrefix(call, "('x')"):
			name = "string.dump"
		}
		if err == nil || !strings.Contains(err.Error(), name+" is not available in the sandbox") {
			t.Errorf("%s: err = %v, want %q", call, err, name+" is not available in the sandbox")
		}
	}
	// gopher-lua's own extras are not Lua 5.1's: lua51.Open removes them
	// before the sandbox is applied, so there is nothing to stand in for.
	if err := L.DoString("assert(_printregs == nil)"); err != nil {
		t.Errorf("_printregs reachable in the sandbox: %v", err)
	}
}

// What a sandbox keeps works as in a full state.
func TestSandboxKeepsSafeLibraries(t *testing.T) {
	L := newSandbox(t)
	err := L.DoString(`
		assert(type(os.time()) == 'number' and type(os.clock()) == 'number')
		assert(os.date('!%Y', 0) == '1970' and os.difftime(2, 1) == 1)
		assert(string.format('%05.1f', 3.14159) == '003.1' and ('abc'):upper() == 'ABC')
		assert(table.concat({1, 2}, ',') == '1,2' and math.floor(2.5) == 2)
		local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
		assert(co(1) == 2 and co(5) == 10)
		assert(loadstring('return 1 + 1')() == 2)
		local parts = {'return ', '40', ' + 2'}
		local i = 0
		assert(load(function() i = i + 1 return parts[i] end)() == 42)
		local ok, tb = xpcall(function() error('boom') end, debug.traceback)
		assert(not ok and tb:find('boom') and tb:find('stack traceback'))
		assert(select('#', pcall(error)) == 2)
		for _, m in ipairs({'etcd', 'etcd.luasocket', 'util', 'util.typeof', 'cjson', 'cjson.safe', 'path', 'socket', 'socket.url', 'ltn12'}) do
			assert(require(m), m)
		end
		assert(require('cjson').encode({1}) == '[1]')
		assert(type(require('socket').gettime()) == 'number' and require('socket.url').escape('a b') == 'a%20b')
		assert(require('os') == os, 'require os gives the trimmed os')
		-- Scripts may still define modules of their own.
		package.preload.mine = function() return { x = 1 } end
		assert(require('mine').x == 1)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

// Bytecode never loads: string.dump is gone, and a binary chunk given to
// load or loadstring is refused before it is compiled, even when the host
// gives string.dump back.
func TestSandboxRefusesBinaryChunks(t *testing.T) {
	L := newSandbox(t, "string.dump")
	err := L.DoString(`
		local f, err = loadstring('\27Lua\81\0')
		assert(f == nil and err == 'binary chunks are not loaded in the sandbox', err)
		local sent = false
		f, err = load(function() if sent then return nil end sent = true return '\27LuaQ' end)
		assert(f == nil and err == 'binary chunks are not loaded in the sandbox', err)
		-- string.dump given back: its references to functions still do
		-- not load.
		local dump = string.dump(function() return 1 end)
		f, err = loadstring(dump)
		assert(f == nil and err == 'binary chunks are not loaded in the sandbox', err)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

// require never reads files in a sandbox, whatever package.path says.
func TestSandboxRequireLoadsNoFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "evil.lua"), []byte("return 'loaded'"), 0o644); err != nil {
		t.Fatal(err)
	}
	L := newSandbox(t)
	L.SetGlobal("DIR", lua.LString(dir))
	err := L.DoString(`
		package.path = DIR .. '/?.lua'
		local ok, err = pcall(require, 'evil')
		assert(not ok and err:find("module 'evil' is not available in the sandbox", 1, true), err)
		-- Replacing package.loaders does not bring the file loaders back:
		-- they are gone from the state.
		assert(#package.loaders == 1)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

// No unsafe function is reachable from anything a script can reach: the
// walk in testdata/sandbox/escape/reach.lua visits globals, the string
// metatable, function environments, unprotected metatables and every
// module, and calls each function named like an unsafe one, which must be
// the sandbox's stand-in.
func TestSandboxNothingUnsafeReachable(t *testing.T) {
	L := newSandbox(t)
	mods := L.NewTable()
	for _, m := range sandboxModules {
		mods.Append(lua.LString(m))
	}
	L.SetGlobal("MODULES", mods)
	if err := L.DoFile("testdata/sandbox/escape/reach.lua"); err != nil {
		t.Fatal(err)
	}
	if n := L.Get(-1); n.(lua.LNumber) < 10 {
		t.Errorf("only %v unsafe-looking functions checked: the walk missed the libraries", n)
	}
	// package.loaded holds only trimmed libraries and safe modules.
	loaded := L.GetField(L.GetGlobal("package"), "loaded").(*lua.LTable)
	loaded.ForEach(func(k, _ lua.LValue) {
		switch lua.LVAsString(k) {
		case "io", "channel":
			t.Errorf("package.loaded.%s is there", k)
		}
	})
}

// A host gives back what it chooses.
func TestSandboxAllow(t *testing.T) {
	t.Setenv("LUAETCD_SANDBOX_TEST", "yes")
	L := newSandbox(t, "os.getenv", "io")
	err := L.DoString(`
		assert(os.getenv('LUAETCD_SANDBOX_TEST') == 'yes')
		assert(type(io.write) == 'function' and require('io') == io)
		local ok, err = pcall(os.execute, 'true')
		assert(not ok and err:find('os.execute is not available in the sandbox', 1, true))
	`)
	if err != nil {
		t.Fatal(err)
	}
}

// The states of a pool built with WithSandbox are sandboxed.
func TestSandboxPool(t *testing.T) {
	pool := luaetcd.NewPool(2, luaetcd.WithSandbox())
	defer pool.Close()
	err := pool.Do(context.Background(), func(L *lua.LState) error {
		return L.DoString(`assert(not pcall(os.execute, 'true'))`)
	})
	if err != nil {
		t.Fatal(err)
	}
}
