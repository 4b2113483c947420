package v3backend

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// Op.Timeout ends a watch with {Status: 408, TimedOut: true}.
func TestWatchTimeout(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	op := opOf(backend.Watch, p+"/w")
	op.Timeout = 300 * time.Millisecond
	start := time.Now()
	r, err := b.Do(context.Background(), &op)
	if err != nil || r.Status != 408 || !r.TimedOut || r.Body != nil {
		t.Fatalf("answer %+v, %v", r, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}

// Cancelling the context ends a blocked watch at once with ctx.Err().
func TestWatchCancel(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	r, err := b.Do(ctx, ptr(backend.Op{Kind: backend.Watch, Key: p + "/w", Recursive: true}))
	if !errors.Is(err, context.Canceled) || r != nil {
		t.Fatalf("answer %v, %v", r, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %v after the cancel", d)
	}
}

// The X-Etcd-Index of a watch is the index when it started, as in v2; a
// waitIndex in the future waits for that index.
func TestWatchIndexes(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	a := do(t, b, set(p+"/w", "1"))
	idx := a.Event.Node.ModifiedIndex
	op := opOf(backend.Watch, p+"/w")
	op.WaitIndex, op.HasWaitIndex = idx+3, true
	go func() {
		time.Sleep(200 * time.Millisecond)
		for _, v := range []string{"2", "3", "4"} {
			b.Do(context.Background(), ptr(set(p+"/w", v)))
		}
	}()
	w := mustStatus(t, do(t, b, op), 200)
	if w.Event.Node.ModifiedIndex < idx+3 || w.Index != itoa(int64(idx)) {
		t.Fatalf("watch from %d answered %s with X-Etcd-Index %s", idx+3, w, w.Index)
	}
}

// A non-recursive watch of a directory fires for the directory itself
// (here its removal), not for its children.
func TestWatchDirItself(t *testing.T) {
	b, p := newBackend(t), prefix(t)
	do(t, b, mkdir(p+"/d"))
	go func() {
		time.Sleep(200 * time.Millisecond)
		b.Do(context.Background(), ptr(set(p+"/d/child", "1")))
		b.Do(context.Background(), ptr(backend.Op{Kind: backend.Delete, Key: p + "/d", Recursive: true}))
	}()
	w := mustStatus(t, do(t, b, opOf(backend.Watch, p+"/d")), 200)
	if w.Event.Action != v2api.ActionDelete || !w.Event.Node.Dir || w.Event.Node.Key != p+"/d" || !w.Event.PrevNode.Dir {
		t.Fatalf("watch answered %s", w)
	}
}
