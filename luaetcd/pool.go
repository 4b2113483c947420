package luaetcd

import (
	"context"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// Pool keeps Lua states built by NewState for reuse, so a program that
// runs scripts from many goroutines neither shares a state between them
// (a *lua.LState is not safe for concurrent use) nor pays for a new state
// on every run. All states of a pool, and all pools, share the HTTP
// connections to etcd.
//
// A state keeps its globals and loaded modules between uses: run scripts
// that are written to be run again, or compile once and call functions.
// Its registry keeps the size it grew to (gopher-lua never shrinks one,
// and does not tell its size: a script that recursed 20000 levels deep
// leaves a few MiB behind), while the call stack gives its frames back.
// An idle state that ran a small script holds about 210 KiB
// (BENCHMARKS.md).
// For scripts the host did not write (WithSandbox, WithKeyJail) this
// means a script can change what the next one in that state sees: keep
// one pool per tenant.
type Pool struct {
	opts []Option
	mu   sync.Mutex
	free []*lua.LState
	max  int
}

// NewPool returns a pool whose states are built with NewState(ctx, opts...).
// At most max idle states are kept (max <= 0 means 16); more can be in use
// at once.
func NewPool(max int, opts ...Option) *Pool {
	if max <= 0 {
		max = 16
	}
	return &Pool{opts: opts, max: max}
}

// Get returns an idle state, or a new one, with ctx as its context.
func (p *Pool) Get(ctx context.Context) *lua.LState {
	p.mu.Lock()
	var L *lua.LState
	if n := len(p.free); n > 0 {
		L, p.free = p.free[n-1], p.free[:n-1]
	}
	p.mu.Unlock()
	if L == nil {
		return NewState(ctx, p.opts...)
	}
	if ctx != nil {
		L.SetContext(ctx)
	}
	return L
}

// Put gives L back for reuse: its stack is emptied and its context
// removed. A state whose context was cancelled is closed instead, since a
// script may have been stopped half way.
func (p *Pool) Put(L *lua.LState) {
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		L.Close()
		return
	}
	L.SetTop(0)
	L.RemoveContext()
	p.mu.Lock()
	if len(p.free) < p.max {
		p.free = append(p.free, L)
		L = nil
	}
	p.mu.Unlock()
	if L != nil {
		L.Close()
	}
}

// Do runs f with a state from the pool and puts it back afterwards.
func (p *Pool) Do(ctx context.Context, f func(*lua.LState) error) error {
	L := p.Get(ctx)
	defer p.Put(L)
	return f(L)
}

// Close closes the idle states. States still in use are closed when they
// are put back only if the pool is full; Close is meant for shutdown.
func (p *Pool) Close() {
	p.mu.Lock()
	free := p.free
	p.free = nil
	p.mu.Unlock()
	for _, L := range free {
		L.Close()
	}
}
