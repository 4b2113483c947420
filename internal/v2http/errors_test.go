package v2http

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Failures carry the sentinels of package backend and their causes, with
// the texts scripts have always seen.
func TestErrorKinds(t *testing.T) {
	ctx := context.Background()

	t.Run("all endpoints failed", func(t *testing.T) {
		a, b := deadURL(t), deadURL(t)
		c := newClient(t, Config{Host: a, Endpoints: []string{b}})
		_, err := c.Do(ctx, get("/x"))
		if !errors.Is(err, backend.ErrAllEndpointsFailed) || !errors.Is(err, syscall.ECONNREFUSED) ||
			!strings.HasPrefix(err.Error(), "all 2 endpoints failed ("+a+", "+b+"); last error: ") {
			t.Errorf("err = %v", err)
		}
		c = newClient(t, Config{Host: a})
		_, err = c.Do(ctx, get("/x"))
		if !errors.Is(err, backend.ErrAllEndpointsFailed) || !strings.HasPrefix(err.Error(), a+": ") ||
			!strings.HasSuffix(err.Error(), "connection refused") {
			t.Errorf("one endpoint: err = %v", err)
		}
	})

	t.Run("maybe applied", func(t *testing.T) {
		drop := newDropServer(t)
		c := newClient(t, Config{Host: drop.URL()})
		op := set("/errors/once", "x")
		op.Kind = backend.Create
		_, err := c.Do(ctx, op)
		if !errors.Is(err, backend.ErrMaybeApplied) || errors.Is(err, backend.ErrAllEndpointsFailed) ||
			!strings.HasSuffix(err.Error(), "; not resent: the request may have reached the server") {
			t.Errorf("err = %v", err)
		}
	})

	// A fake server: breaking an answer off in the middle of its body on
	// demand is what no real etcd does.
	t.Run("stream broken", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			w.Write([]byte(`{"action":`))
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}))
		defer srv.Close()
		c := newClient(t, Config{Host: srv.URL})
		_, err := c.Do(ctx, get("/x"))
		if !errors.Is(err, backend.ErrStreamBroken) ||
			err.Error() != srv.URL+": reading response body: connection closed by the server (eof)" {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("body too large", func(t *testing.T) {
		c := newClient(t, Config{MaxBodySize: 10})
		_, err := c.Do(ctx, get("/"))
		if !errors.Is(err, backend.ErrBodyTooLarge) || !strings.Contains(err.Error(), "exceeds the limit of 10 bytes") {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("peer", func(t *testing.T) {
		dead := deadURL(t)
		c := newClient(t, Config{Peer: dead})
		_, err := c.Do(ctx, &backend.Op{Kind: backend.AdminConfig, Timeout: 5 * time.Second})
		if !errors.Is(err, syscall.ECONNREFUSED) || !strings.HasPrefix(err.Error(), "peer "+dead+": ") {
			t.Errorf("err = %v", err)
		}
	})
}
