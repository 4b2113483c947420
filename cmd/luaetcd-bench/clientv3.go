package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// ---- clientv3: the floor of the v3 backend ----
//
// A Go program written the natural way with go.etcd.io/etcd/client/v3,
// doing at minimum what each workload asks of the cluster: set is a Put,
// get a Get, cas a Txn comparing the key's ModRevision then Put, readdir
// a Get of the directory's prefix, push a Txn creating a new key, wait a
// Watch from a revision. One RPC per operation; no v2 layout (markers),
// no ancestors, no answer in v2's terms. The difference between this and
// the lua-v3 rows is what the v2 emulation and the Lua layer cost.

// newClientv3 is the one client all clientv3 workers share, as a Go
// program would share it between goroutines (the v3 backend likewise
// shares one client per endpoint set).
func newClientv3(url string) (*clientv3.Client, error) {
	return clientv3.New(clientv3.Config{Endpoints: []string{url}, Logger: zap.NewNop()})
}

type v3Worker struct {
	cli  *clientv3.Client
	work string
	key  string
	rev  int64 // cas: the key's mod revision
}

// pushSeq numbers the pushed keys of all clientv3 workers of the run, so
// that every push creates a new key whatever row or round it is in.
var pushSeq atomic.Uint64

func (w *v3Worker) close() {}

// prepare warms the connection up and writes the key get and cas use.
func (w *v3Worker) prepare(ctx context.Context) error {
	if _, err := w.cli.Get(ctx, "/bench", clientv3.WithCountOnly()); err != nil {
		return err
	}
	if w.work == "get" || w.work == "cas" {
		r, err := w.cli.Put(ctx, w.key, benchValueJSON)
		if err != nil {
			return err
		}
		w.rev = r.Header.Revision
	}
	return nil
}

func (w *v3Worker) op(ctx context.Context) error {
	switch w.work {
	case "set":
		_, err := w.cli.Put(ctx, w.key, benchValueJSON)
		return err
	case "get":
		r, err := w.cli.Get(ctx, w.key)
		if err == nil && len(r.Kvs) != 1 {
			err = fmt.Errorf("get %s: %d keys", w.key, len(r.Kvs))
		}
		return err
	case "cas":
		r, err := w.cli.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(w.key), "=", w.rev)).
			Then(clientv3.OpPut(w.key, benchValueJSON)).Commit()
		if err != nil {
			return err
		}
		if !r.Succeeded {
			return fmt.Errorf("cas %s: revision %d changed", w.key, w.rev)
		}
		w.rev = r.Header.Revision
		return nil
	case "readdir":
		r, err := w.cli.Get(ctx, dirKey+"/", clientv3.WithPrefix())
		if err == nil && len(r.Kvs) < dirSize {
			err = fmt.Errorf("readdir %s: %d keys", dirKey, len(r.Kvs))
		}
		return err
	case "push":
		// A new key under the directory, created only if the name is
		// free; the name is the run's next sequence number, with a
		// letter so that it never meets the lua-v3 rows' names (digits
		// only) in the same directory.
		name := fmt.Sprintf("%s/n%019d", w.key, pushSeq.Add(1))
		r, err := w.cli.Txn(ctx).
			If(clientv3.Compare(clientv3.CreateRevision(name), "=", 0)).
			Then(clientv3.OpPut(name, benchValueJSON)).Commit()
		if err != nil {
			return err
		}
		if !r.Succeeded {
			return fmt.Errorf("push %s: exists", name)
		}
		return nil
	}
	return fmt.Errorf("unknown workload %q", w.work)
}

// wait waits for the first change of the key at or after rev and
// returns the next revision to wait at.
func (w *v3Worker) wait(ctx context.Context, rev uint64) (uint64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for r := range w.cli.Watch(ctx, w.key, clientv3.WithRev(int64(rev))) {
		if err := r.Err(); err != nil {
			return 0, err
		}
		if len(r.Events) > 0 {
			return uint64(r.Events[0].Kv.ModRevision) + 1, nil
		}
	}
	return 0, fmt.Errorf("watch %s: closed", w.key)
}

func (w *v3Worker) run(st *stepper) error {
	ctx := context.Background()
	if err := w.prepare(ctx); err != nil {
		return err
	}
	if w.work == "wait" {
		return runGoWaiter(st, w.wait)
	}
	for st.more() {
		if err := w.op(ctx); err != nil {
			return err
		}
	}
	return nil
}

// isV3 reports whether impl talks to etcd's v3 keyspace (which, on the
// bench's etcd 3.5, is a store apart from the v2 one).
func isV3(impl string) bool { return strings.HasSuffix(impl, "v3") }
