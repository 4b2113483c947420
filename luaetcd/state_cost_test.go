package luaetcd

import (
	"context"
	"runtime"
	"testing"

	"github.com/luaetcd/go-luaetcd/luaetcd/compat"
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// What lua51.Options costs: start-up and idle memory of a state, next to
// a state with gopher-lua's fixed defaults (5120 registry values, 256
// frames), built otherwise as NewState builds it. Figures in BENCHMARKS.md.

func newDefaultState() *lua.LState {
	L := lua.NewState()
	lua51.Open(L)
	compat.Preload(L)
	Preload(L)
	return L
}

func BenchmarkNewState(b *testing.B) {
	b.Run("luaetcd", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			NewState(nil).Close()
		}
	})
	b.Run("gopher-defaults", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			newDefaultState().Close()
		}
	})
}

// idleScript is what a state has done before it idles in a pool: loaded a
// module, made a client, called a few functions through pcall.
const idleScript = `local etcd = require('etcd.luasocket'); local util = require('util')
local cli = etcd.new(); for i = 1, 10 do pcall(tostring, i) end`

// idleBytes returns the heap held per state by n states built by mk that
// have run idleScript.
func idleBytes(t *testing.T, n int, mk func() *lua.LState) float64 {
	t.Helper()
	var before, after runtime.MemStats
	// Twice: what the previous measurement closed is freed only after
	// its finalizers have run.
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	states := make([]*lua.LState, n)
	for i := range states {
		states[i] = mk()
		if err := states[i].DoString(idleScript); err != nil {
			t.Fatal(err)
		}
		states[i].SetTop(0)
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	for _, L := range states {
		L.Close()
	}
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// TestIdleStateMemory measures the heap an idle pooled state holds, and
// fails if the growing stacks made it much larger than gopher-lua's fixed
// ones (they should make it smaller).
func TestIdleStateMemory(t *testing.T) {
	const n = 100
	pool := NewPool(n)
	defer pool.Close()
	// Once per process: the shared HTTP transport, package caches.
	idleBytes(t, 1, newDefaultState)
	ours := idleBytes(t, n, func() *lua.LState { return pool.Get(context.Background()) })
	defaults := idleBytes(t, n, newDefaultState)
	t.Logf("idle state after a small script: luaetcd %.0f KiB, gopher-lua defaults %.0f KiB", ours/1024, defaults/1024)
	if ours > 1.5*defaults {
		t.Errorf("an idle luaetcd state holds %.0f KiB, gopher-lua's defaults %.0f KiB", ours/1024, defaults/1024)
	}
}
