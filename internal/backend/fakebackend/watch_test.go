package fakebackend

import (
	"context"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// A watch answers a past event by index, waits for the next one, ends
// with 408 at its timeout, with the context's error when cancelled, and
// sees a TTL run out.
func TestWatch(t *testing.T) {
	s := New()
	ctx := context.Background()
	s.Put("/w", "1")
	s.Put("/w", "2")
	res, _ := s.Do(ctx, &backend.Op{Kind: backend.Watch, Key: "/w", WaitIndex: 1, HasWaitIndex: true})
	if sh := shapeOf(t, res); *sh.Node.Value != "1" {
		t.Errorf("past event: %s", res.Body)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Put("/dir/x/y", "deep")
	}()
	res, _ = s.Do(ctx, &backend.Op{Kind: backend.Watch, Key: "/dir", Recursive: true, Timeout: 5 * time.Second})
	if sh := shapeOf(t, res); res.Status != 200 || sh.Node.Key != "/dir/x/y" {
		t.Errorf("next event: %d %s", res.Status, res.Body)
	}
	res, _ = s.Do(ctx, &backend.Op{Kind: backend.Watch, Key: "/w", Timeout: 100 * time.Millisecond})
	if res.Status != 408 || !res.TimedOut {
		t.Errorf("timeout: %+v", res)
	}
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := s.Do(cctx, &backend.Op{Kind: backend.Watch, Key: "/w"}); err != context.DeadlineExceeded {
		t.Errorf("cancelled: %v", err)
	}
	s.Do(ctx, &backend.Op{Kind: backend.Set, Key: "/ttl", Value: "v", HasValue: true, TTL: 1})
	res, _ = s.Do(ctx, &backend.Op{Kind: backend.Watch, Key: "/ttl", Timeout: 5 * time.Second})
	if sh := shapeOf(t, res); sh.Action != "expire" || sh.PrevNode == nil || *sh.PrevNode.Value != "v" {
		t.Errorf("expire: %s", res.Body)
	}
	for range historySize + 5 {
		s.Put("/churn", "x")
	}
	res, _ = s.Do(ctx, &backend.Op{Kind: backend.Watch, Key: "/churn", WaitIndex: 1, HasWaitIndex: true})
	if sh := shapeOf(t, res); res.Status != 400 || sh.ErrorCode != 401 {
		t.Errorf("cleared: %d %s", res.Status, res.Body)
	}
}
