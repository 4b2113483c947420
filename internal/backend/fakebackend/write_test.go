package fakebackend

import (
	"context"
	"net/http"
	"sort"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// In-order keys are created below the directory, named by increasing
// numbers.
func TestCreateInOrder(t *testing.T) {
	s := New()
	var keys []string
	for range 3 {
		res, _ := s.Do(context.Background(), &backend.Op{Kind: backend.CreateInOrder, Key: "/q", Value: "j", HasValue: true, TTL: backend.NoTTL})
		sh := shapeOf(t, res)
		if res.Status != http.StatusCreated || sh.Action != "create" {
			t.Fatalf("push: %d %s", res.Status, res.Body)
		}
		keys = append(keys, sh.Node.Key)
	}
	if !sort.StringsAreSorted(keys) || keys[0] == keys[1] {
		t.Errorf("keys %v", keys)
	}
}
