// Package lua51 makes gopher-lua behave like PUC Lua 5.1 where real
// scripts notice the difference, without forking gopher-lua.
//
// # The pcall upvalue bug (gopher-lua issue #448)
//
// When a Lua error is raised and the raising LState has no error handler
// (LState.hasErrorFunc is false), gopher-lua's raiseError and Error call
// closeAllUpvalues, which walks every call frame of that LState, from the
// current one down to the outermost, and closes the open upvalues of each.
// basePCall uses LState.PCall(..., nil), so an error caught by pcall also
// closes the upvalues of the frames *below* pcall, which keep running. A
// closure created before the pcall then holds a private copy of the local it
// captured, while the enclosing function keeps using the stack slot:
//
//	local N=0; local function inc() N=N+1 end
//	pcall(function() error'x' end); inc(); print(N)  --> 0 (Lua 5.1: 1)
//
// With an error handler (xpcall), the opposite happens: nothing is closed, not
// even the upvalues of the frames the error unwinds, and the registry slots
// they point to are reused by later calls.
//
// # The fix
//
// Lua 5.1 closes exactly the upvalues of the frames a protected call unwinds
// (luaD_pcall: luaF_close(L, oldtop)). We obtain the same effect by running
// the protected function on a thread of its own (LState.NewThread shares
// globals, registry and metatables with L) and calling PCall on that
// thread. All frames of that thread belong to the protected call, so
// closeAllUpvalues there closes exactly what Lua 5.1 closes, and L's frames
// are never touched. Threads are pooled per state, so a pcall costs no
// allocation beyond gopher-lua's own. After an error the thread is cleaned
// (a trivial Lua function is run on it; its RETURN closes every upvalue
// still open in the thread) before it goes back to the pool.
//
// # Other Lua 5.1 details
//
// Open also replaces, each in a file of its own: string.gmatch (a plain
// iterator, gmatch.go), require and package.loaders (5.1's messages,
// require.go), loadstring and load (5.1's chunk names, load.go, with
// source.go), debug.getinfo (5.1's fields, debuginfo.go), io.lines and
// io.open (C's error texts, iofile.go) and string.dump (a reference to the
// prototype, loadable in the same process, dump.go).
//
// # Limits and the rest of the 5.1 library
//
// Options gives a state Lua 5.1's limits instead of gopher-lua's fixed
// defaults (see MaxCalls, RegistryMaxSize, MaxUnpack, MaxStringLength),
// and FixError reports gopher-lua's stack overflows as Lua 5.1's. Open also
// completes the library to Lua 5.1's, name by name (stdlib51.go,
// debug51.go), and hides what gopher-lua adds. The official Lua 5.1 test
// files run in official_test.go.
package lua51

import (
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// maxPCallDepth is how many protected calls may be nested. Every nested
// pcall uses a thread of its own (with a fresh call stack), so without a
// limit `local function f() pcall(f) end` would recurse until the Go stack
// or memory gives out. PUC Lua 5.1 fails the same script with "C stack
// overflow" (LUAI_MAXCCALLS = 200); with 198 the depth at which it fails is
// the same as in lua5.1.
const maxPCallDepth = 198

// maxFreeThreads bounds the pool of idle threads kept per state.
const maxFreeThreads = 16

const (
	msgCStackOverflow = "C stack overflow"
	msgErrorHandling  = "error in error handling"
	msgYieldAcross    = "attempt to yield across metamethod/C-call boundary"
	msgYieldOutside   = "attempt to yield from outside a coroutine"
	msgResumeDead     = "cannot resume dead coroutine"
)

// runner holds the per-state data: the pool of idle threads and the pcall
// nesting depth of each thread it owns. The mutex only matters for hosts
// that run several threads of one state in different goroutines.
type runner struct {
	mu     sync.Mutex
	free   []*lua.LState
	depth  map[*lua.LState]int // owned threads -> pcall nesting depth
	clean  *lua.LFunction      // `return`: closes all open upvalues of a thread
	closer *lua.LFunction      // raises an error: closes all upvalues of a thread
}

// Open replaces the base library functions that differ from Lua 5.1
// (pcall, xpcall, error, and the coroutine functions that must know about
// the threads pcall runs on) in L's globals. Call it after L's standard
// libraries are open.
func Open(L *lua.LState) {
	clean, err := L.LoadString("")
	if err != nil {
		panic("lua51: cannot compile the cleanup function: " + err.Error())
	}
	r := &runner{depth: make(map[*lua.LState]int), clean: clean}
	r.closer = L.NewFunction(func(L *lua.LState) int {
		L.Error(lua.LNil, 0)
		return 0
	})

	L.SetGlobal("pcall", L.NewFunction(r.pcall))
	L.SetGlobal("xpcall", L.NewFunction(r.xpcall))
	L.SetGlobal("error", L.NewFunction(baseError))
	L.SetGlobal("tostring", L.NewFunction(baseToString))
	L.SetGlobal("print", L.NewFunction(basePrint))

	if m, ok := L.GetGlobal("math").(*lua.LTable); ok {
		m.RawSetString("huge", lua.LNumber(math.Inf(1))) // gopher-lua: MaxFloat64
	}
	if co, ok := L.GetGlobal("coroutine").(*lua.LTable); ok {
		r.patchCoroutine(L, co)
	}
	openGmatch(L)
	openRequire(L)
	openDebugInfo(L)
	openDump(L)
	openStdlib51(L)
}

// acquire returns a thread to run a protected call of L on, or nil if the
// nesting limit is reached.
func (r *runner) acquire(L *lua.LState) *lua.LState {
	r.mu.Lock()
	d := r.depth[L] + 1
	if d > maxPCallDepth {
		r.mu.Unlock()
		return nil
	}
	var th *lua.LState
	if n := len(r.free); n > 0 {
		th = r.free[n-1]
		r.free[n-1] = nil
		r.free = r.free[:n-1]
	}
	if th != nil {
		r.depth[th] = d
	}
	r.mu.Unlock()
	if th == nil {
		var cancel func()
		th, cancel = L.NewThread()
		if cancel != nil {
			// NewThread derived a child context from L's; we set the
			// context on every call instead, so release the child now
			// rather than leaving it registered in L's context.
			cancel()
			th.RemoveContext()
		}
		r.mu.Lock()
		r.depth[th] = d
		r.mu.Unlock()
	}
	// The context is set by the host after Open and may change: follow L.
	if ctx := L.Context(); ctx != th.Context() {
		if ctx == nil {
			th.RemoveContext()
		} else {
			th.SetContext(ctx)
		}
	}
	return th
}

// release returns th to the pool (ok) or forgets it.
func (r *runner) release(th *lua.LState, ok bool) {
	r.mu.Lock()
	if ok && len(r.free) < maxFreeThreads {
		r.free = append(r.free, th)
	} else {
		delete(r.depth, th)
	}
	r.mu.Unlock()
}

// failed handles the thread after the protected call failed: it checks for
// a cancelled context (which pcall must not swallow), closes the upvalues
// still open in the thread, and returns it to the pool.
func (r *runner) failed(L, th *lua.LState, err error) {
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		r.release(th, false)
		// As gopher-lua's main loop does when the context is done.
		L.RaiseError("%s", ctx.Err().Error())
	}
	// Lua errors have closed every upvalue of th (see xpcall for the
	// handler case), but a Go panic has not. Their values are lost with the
	// unwinding; at least make sure that the thread's next user does not
	// share them: the RETURN of a function called at the bottom of th
	// closes every upvalue still open there.
	if aerr, ok := err.(*lua.ApiError); ok && aerr.Type == lua.ApiErrorPanic {
		th.Push(r.clean)
		th.PCall(0, 0, nil)
		r.release(th, false)
		return
	}
	r.release(th, true)
}

func errorObject(err error) lua.LValue {
	if aerr, ok := err.(*lua.ApiError); ok {
		if obj, ok := overflowObject(aerr); ok {
			return obj
		}
		return aerr.Object
	}
	return lua.LString(err.Error())
}

func callable(L *lua.LState, v lua.LValue) bool {
	return v.Type() == lua.LTFunction || L.GetMetaField(v, "__call").Type() == lua.LTFunction
}

// pcall(f, ...) as in Lua 5.1.
func (r *runner) pcall(L *lua.LState) int {
	L.CheckAny(1)
	fn := L.Get(1)
	if !callable(L, fn) {
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + fn.Type().String() + " value"))
		return 2
	}
	th := r.acquire(L)
	if th == nil {
		L.Error(lua.LString(msgCStackOverflow), 0)
		return 0
	}
	top := L.GetTop()
	for i := 1; i <= top; i++ {
		th.Push(L.Get(i))
	}
	cur := L.G.CurrentThread
	err := th.PCall(top-1, lua.MultRet, nil)
	L.G.CurrentThread = cur
	if err != nil {
		r.failed(L, th, err)
		obj := errorObject(err)
		if f, ok := fn.(*lua.LFunction); ok && f.IsG {
			obj = fixGoError(obj)
		}
		L.Push(lua.LFalse)
		L.Push(obj)
		return 2
	}
	return r.pushResults(L, th)
}

// xpcall(f, handler) as in Lua 5.1: f is called without arguments; on error
// the handler is called with the error object before the stack is unwound
// (so debug.traceback works) and xpcall returns false and its result. An
// error in the handler, or a handler that cannot be called, gives
// "error in error handling".
func (r *runner) xpcall(L *lua.LState) int {
	L.CheckAny(2)
	fn, h := L.Get(1), L.Get(2)
	th := r.acquire(L)
	if th == nil {
		L.Error(lua.LString(msgCStackOverflow), 0)
		return 0
	}
	if !callable(L, fn) {
		// Lua 5.1 calls the handler with the "attempt to call" error.
		msg := lua.LString("attempt to call a " + fn.Type().String() + " value")
		fn = L.NewFunction(func(L *lua.LState) int {
			L.Error(msg, 0)
			return 0
		})
	}
	// The handler given to PCall runs on th above the failed frames. It
	// calls h, then closes the upvalues of all of th's frames while their
	// registers still hold the values (gopher-lua does not close them when
	// there is a handler, and unwinding clears the registers).
	var result lua.LValue
	handlerOK := false
	handler := L.NewFunction(func(th *lua.LState) int {
		if callable(th, h) {
			th.Push(h)
			th.Push(th.Get(1))
			if th.PCall(1, 1, nil) == nil {
				result, handlerOK = th.Get(-1), true
			}
		}
		// PCall has reset th's "has error handler" flag, so raising an
		// error now makes gopher-lua close every upvalue of th.
		th.Push(r.closer)
		th.PCall(0, 0, nil)
		return 0
	})
	cur := L.G.CurrentThread
	th.Push(fn)
	err := th.PCall(0, lua.MultRet, handler)
	L.G.CurrentThread = cur
	if err != nil {
		r.failed(L, th, err)
		if !handlerOK {
			result, handlerOK = overflowHandler(L, h, err)
		}
		L.Push(lua.LFalse)
		if handlerOK {
			L.Push(result)
		} else {
			L.Push(lua.LString(msgErrorHandling))
		}
		return 2
	}
	return r.pushResults(L, th)
}

// error(obj [, level]) as in Lua 5.1: obj may be absent (nil), and a
// string gets the position of the function at the given level only if that
// is a Lua function (gopher-lua skips Go functions and, when no Lua function
// is left, prefixes a lone space).
func baseError(L *lua.LState) int {
	obj := L.Get(1)
	level := L.OptInt(2, 1)
	if n, ok := obj.(lua.LNumber); ok && level > 0 {
		obj = lua.LString(FormatNumber(float64(n))) // lua_isstring is true
	}
	if s, ok := obj.(lua.LString); ok && level > 0 {
		if dbg, ok := L.GetStack(level); ok {
			if _, err := L.GetInfo("S", dbg, lua.LNil); err == nil && dbg.What != "G" {
				s = lua.LString(L.Where(level) + " " + string(s))
			}
		}
		obj = s
	}
	L.Error(obj, 0)
	return 0
}

// fixGoError adjusts the message of an error raised by a Go function that
// pcall called directly. Lua 5.1 adds no position to it (the caller is
// pcall, a C function); gopher-lua finds no Lua frame on the thread, so it
// adds an empty position and a space, and names the function "main chunk".
func fixGoError(obj lua.LValue) lua.LValue {
	s, ok := obj.(lua.LString)
	if !ok || len(s) < 2 || s[0] != ' ' || s[1] == ' ' {
		return obj
	}
	msg := string(s[1:])
	if strings.HasPrefix(msg, "bad argument #") {
		if i := strings.Index(msg, " to main chunk ("); i > 0 {
			msg = msg[:i] + " to '?' (" + msg[i+len(" to main chunk ("):]
		}
	}
	return lua.LString(msg)
}

// patchCoroutine adapts the coroutine library to protected calls running on
// threads of their own:
//   - yield inside pcall fails as in Lua 5.1 (gopher-lua would return from
//     pcall and go on running the coroutine, then crash on the next resume);
//   - resume and wrap restore G.CurrentThread, which gopher-lua sets to the
//     resuming LState (our pcall thread, not the coroutine running pcall);
//   - running returns nil in the main thread, also from inside pcall.
func (r *runner) patchCoroutine(L *lua.LState, co *lua.LTable) {
	gfn := func(name string) lua.LGFunction {
		if f, ok := co.RawGetString(name).(*lua.LFunction); ok && f.IsG {
			return f.GFunction
		}
		return nil
	}
	if yield := gfn("yield"); yield != nil {
		co.RawSetString("yield", L.NewFunction(func(L *lua.LState) int {
			if L.Parent == nil {
				// The main thread, or a pcall thread (in Lua 5.1 yielding
				// inside pcall is an error even in the main thread).
				if L == L.G.MainThread {
					L.Error(lua.LString(msgYieldOutside), 0)
				}
				L.Error(lua.LString(msgYieldAcross), 0)
			}
			return yield(L)
		}))
	}
	if resume := gfn("resume"); resume != nil {
		co.RawSetString("resume", L.NewFunction(func(L *lua.LState) int {
			if th := L.ToThread(1); th != nil && th.Dead {
				L.Push(lua.LFalse)
				L.Push(lua.LString(msgResumeDead))
				return 2
			}
			cur := L.G.CurrentThread
			n := resume(L)
			L.G.CurrentThread = cur
			return n
		}))
	}
	if wrap := gfn("wrap"); wrap != nil {
		co.RawSetString("wrap", L.NewFunction(func(L *lua.LState) int {
			wrap(L)
			w, ok := L.Get(-1).(*lua.LFunction)
			if !ok || !w.IsG || len(w.Upvalues) != 1 {
				return 1
			}
			L.Pop(1)
			aux := w.GFunction
			// aux reads the coroutine from upvalue 1 of the running
			// function: give ours the same upvalue.
			th, _ := w.Upvalues[0].Value().(*lua.LState)
			L.Push(L.NewClosure(func(L *lua.LState) int {
				if th != nil && th.Dead {
					L.RaiseError(msgResumeDead)
				}
				cur := L.G.CurrentThread
				defer func() { L.G.CurrentThread = cur }()
				return aux(L)
			}, w.Upvalues[0].Value()))
			return 1
		}))
	}
	co.RawSetString("running", L.NewFunction(func(L *lua.LState) int {
		cur := L.G.CurrentThread
		if cur == nil || cur == L.G.MainThread {
			L.Push(lua.LNil)
		} else {
			L.Push(cur)
		}
		return 1
	}))
}

// FormatNumber formats n as Lua 5.1 does (LUA_NUMBER_FMT "%.14g", with C's
// spelling of infinities and NaN), where gopher-lua prints integers in full
// and other numbers with Go's shortest representation.
func FormatNumber(n float64) string {
	switch {
	case math.IsInf(n, 1):
		return "inf"
	case math.IsInf(n, -1):
		return "-inf"
	case math.IsNaN(n):
		if math.Signbit(n) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(n, 'g', 14, 64) // C's %.14g
}

// tostringValue is tostring(v) as in Lua 5.1: __tostring first, numbers with
// FormatNumber, the rest as gopher-lua does.
func tostringValue(L *lua.LState, v lua.LValue) lua.LValue {
	if fn := L.GetMetaField(v, "__tostring"); fn != lua.LNil {
		L.Push(fn)
		L.Push(v)
		L.Call(1, 1)
		return L.Get(-1)
	}
	if n, ok := v.(lua.LNumber); ok {
		return lua.LString(FormatNumber(float64(n)))
	}
	return lua.LString(v.String())
}

func baseToString(L *lua.LState) int {
	L.CheckAny(1)
	L.Push(tostringValue(L, L.Get(1)))
	return 1
}

// basePrint is print as in Lua 5.1, writing to the process's stdout.
var basePrint = NewPrint(stdout{})

// stdout writes to whatever os.Stdout is at the time of the call (tests
// and examples swap it), not to the file it was when the package loaded.
type stdout struct{}

func (stdout) Write(p []byte) (int, error) { return os.Stdout.Write(p) }

// NewPrint returns Lua 5.1's print writing to w: it calls the global
// tostring on every argument (so numbers print as %.14g and __tostring is
// honoured), separates them with tabs and ends the line. Hosts that send
// a script's output elsewhere (the runner, tests) install it as "print".
func NewPrint(w io.Writer) lua.LGFunction {
	return func(L *lua.LState) int {
		top := L.GetTop()
		var b strings.Builder
		tostring := L.GetGlobal("tostring")
		for i := 1; i <= top; i++ {
			if i > 1 {
				b.WriteByte('\t')
			}
			L.Push(tostring)
			L.Push(L.Get(i))
			L.Call(1, 1)
			s, ok := L.Get(-1).(lua.LString)
			if !ok {
				L.RaiseError("'tostring' must return a string to 'print'")
			}
			b.WriteString(string(s))
			L.Pop(1)
		}
		b.WriteByte('\n')
		io.WriteString(w, b.String())
		return 0
	}
}

// pushResults ends a protected call that succeeded: true and the results
// left on th, which goes back to the pool.
func (r *runner) pushResults(L, th *lua.LState) int {
	n := th.GetTop()
	L.Push(lua.LTrue)
	for i := 1; i <= n; i++ {
		L.Push(th.Get(i))
	}
	th.SetTop(0)
	r.release(th, true)
	return n + 1
}
