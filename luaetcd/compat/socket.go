package compat

import (
	"math"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// The socket module: luasocket 3.0's pure parts (see doc.go). Raw sockets
// (tcp, udp, select, ...) are not provided: gopher-lua states are driven by
// Go code, and scripts that talk to etcd or HTTP have socket.http. Calling
// one raises an error that says so.

// socketVersion is what luasocket 3.0 reports as socket._VERSION.
const socketVersion = "LuaSocket 3.0.0"

// notProvided are luasocket's functions that need real sockets.
var notProvided = []string{"tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "select", "connect", "connect4", "connect6", "bind"}

func loadSocket(L *lua.LState) int {
	L.Push(newSocketModule(L))
	return 1
}

func newSocketModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	mod.RawSetString("_VERSION", lua.LString(socketVersion))
	mod.RawSetString("BLOCKSIZE", lua.LNumber(2048))
	mod.RawSetString("gettime", L.NewFunction(socketGettime))
	mod.RawSetString("sleep", L.NewFunction(socketSleep))
	mod.RawSetString("skip", L.NewFunction(socketSkip))
	for _, name := range notProvided {
		name := name
		mod.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("socket.%s is not provided by luaetcd: raw sockets are not available (socket.http, socket.url, socket.gettime and socket.sleep are)", name)
			return 0
		}))
	}
	dns := L.NewTable()
	for _, name := range []string{"toip", "tohostname", "gethostname", "getaddrinfo", "getnameinfo"} {
		name := name
		dns.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("socket.dns.%s is not provided by luaetcd", name)
			return 0
		}))
	}
	mod.RawSetString("dns", dns)
	socketExtra(L, mod)
	return mod
}

// socketGettime is socket.gettime(): seconds since the epoch, with
// microseconds.
func socketGettime(L *lua.LState) int {
	now := time.Now()
	L.Push(lua.LNumber(float64(now.UnixMicro()) / 1e6))
	return 1
}

// socketSleep is socket.sleep(seconds). It ends early, raising the
// context's error, when the state's context is cancelled (Ctrl-C in the
// runner), where luasocket's sleep cannot be interrupted.
func socketSleep(L *lua.LState) int {
	secs := float64(L.CheckNumber(1))
	if !(secs > 0) {
		return 0
	}
	d := time.Duration(math.Min(secs, float64(math.MaxInt64/int64(time.Second))) * float64(time.Second))
	t := time.NewTimer(d)
	defer t.Stop()
	var done <-chan struct{}
	if ctx := L.Context(); ctx != nil {
		done = ctx.Done()
	}
	select {
	case <-t.C:
	case <-done:
		L.RaiseError("%s", L.Context().Err().Error())
	}
	return 0
}

// socketSkip is socket.skip(n, ...): the arguments after the first n
// (luasocket returns the last top-n-1 values of its stack).
func socketSkip(L *lua.LState) int {
	n := L.CheckInt(1)
	top := L.GetTop()
	ret := top - n - 1
	if ret <= 0 {
		return 0
	}
	if ret > top {
		ret = top
	}
	for i := top - ret + 1; i <= top; i++ {
		L.Push(L.Get(i))
	}
	return ret
}
