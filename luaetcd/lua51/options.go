package lua51

import (
	lua "github.com/yuin/gopher-lua"
)

// The sizes of a state's call stack and registry (gopher-lua's data stack),
// chosen so that what PUC Lua 5.1 can do, ours can, and a runaway script
// ends with Lua 5.1's error instead of taking all the memory.
const (
	// MaxCalls is the deepest Lua call nesting, LUAI_MAXCALLS of Lua 5.1:
	// beyond it a call fails with "stack overflow". (lua5.1 measured:
	// 19,996 levels of `local function f() f() end`, 16,380 of
	// `return 1 + f()`, where its data stack fills first; ours 20,000 of
	// both.) With MinimizeStackMemory the frames are allocated 8 at a
	// time as the stack grows; until then the cost is one pointer per 8
	// frames (20 KiB).
	MaxCalls = 20000

	// RegistrySize is the registry's initial size in values (16 bytes
	// each). Every state and every thread (coroutines, and the threads
	// our pcall runs on) starts with one, so it is kept small; it grows on
	// demand.
	RegistrySize = 1024

	// RegistryGrowStep is how much the registry grows beyond what is
	// needed each time it must grow (gopher-lua copies it on every growth,
	// so small steps make deep recursion quadratic).
	RegistryGrowStep = 16 * 1024

	// RegistryMaxSize bounds the registry: 256 values for each of the
	// MaxCalls frames, 80 MiB at most. Beyond it a script fails with
	// "stack overflow" as lua5.1 does when its stack cannot grow.
	RegistryMaxSize = 256 * MaxCalls

	// MaxUnpack is the most values unpack returns: lua5.1 refuses more
	// than 7997 (its C stack, LUAI_MAXCSTACK = 8000, less what the call
	// itself uses) with "too many results to unpack".
	MaxUnpack = 7997
)

// Options returns the lua.Options every state of this project is built
// with: the standard libraries opened, a call stack of MaxCalls frames
// allocated as it grows, and a registry that grows from RegistrySize to
// RegistryMaxSize. Hosts that build their own state and call
// luaetcd.Preload should build it the same way, then call Open:
//
//	L := lua.NewState(lua51.Options())
//	lua51.Open(L)
//
// gopher-lua's defaults (a fixed registry of 5120 values and 256 frames)
// make ordinary scripts fail with "registry overflow", for example
// table.concat of a few thousand strings, and recursion deeper than 256.
func Options() lua.Options {
	return lua.Options{
		CallStackSize:       MaxCalls,
		RegistrySize:        RegistrySize,
		RegistryMaxSize:     RegistryMaxSize,
		RegistryGrowStep:    RegistryGrowStep,
		MinimizeStackMemory: true,
	}
}

// NewState returns a new state built with Options and made to behave like
// Lua 5.1 with Open.
func NewState() *lua.LState {
	L := lua.NewState(Options())
	Open(L)
	return L
}
