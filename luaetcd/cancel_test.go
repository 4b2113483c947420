package luaetcd_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A host cancels the state's context: a wait blocked on etcd ends at once
// and leaves no goroutine behind.
func TestCancelBlockedWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	L := newTestState(t, ctx, "/test/cancel")
	defer L.Close()
	pkgPath(L)
	// Warm up so the keep-alive connections exist before counting.
	if err := L.DoString(`assert(require('check').client():get('/x'))`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	before := runtime.NumGoroutine()

	done := make(chan error, 1)
	go func() {
		done <- L.DoString(`
			local cli = require('check').client({ timeout = 0 })
			local ent, err = cli:wait('/never', nil, 0)
			-- not reached: the VM stops at the next instruction once the
			-- context is done
			error('wait returned ' .. tostring(ent) .. ', ' .. tostring(err))
		`)
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "context canceled") {
			t.Fatalf("script ended with %v, want context canceled", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("cancel took %v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("wait did not end after cancel")
	}
	// The cancelled request's connection is closed and its goroutines end;
	// allow a few for a new idle keep-alive connection.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+4 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+4 {
		t.Fatalf("goroutines: %d before, %d after", before, n)
	}
}
