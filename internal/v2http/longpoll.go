package v2http

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Long polls (wait and waitdir: the Watch kind, GET ...?wait=true).
//
// etcd answers a watch with its headers at once (200, X-Etcd-Index) and
// sends the event as the body when it happens. The stream can end before
// that with no event: etcd closing it on its own, a proxy or load balancer
// ending a stream it thinks idle, or a connection cut while nothing was
// sent. A script would see a 200 with an empty body (or a read error) that
// means "nothing happened", so such an answer is not returned: the watch is
// sent again, from the same index, until an event comes or the request's
// timeout (or the caller's context) ends the call.
//
// The same index: a wait with a waitIndex asks for that index again; a
// wait without one asks from the index the first watch started at
// (X-Etcd-Index + 1), so an event that happened between the two polls is
// not missed. When the first stream broke before its headers could be
// kept (a read error), no index is known and the retry waits from now.

// longPollMinBackoff and longPollMaxBackoff bound the pause before a long
// poll is sent again after a stream that ended quickly, so that a proxy
// ending every stream at once does not make a busy loop.
const (
	longPollMinBackoff = 20 * time.Millisecond
	longPollMaxBackoff = time.Second
	// longPollQuick is how short a stream must have been to count as
	// ending "at once" and be followed by a pause.
	longPollQuick = time.Second
)

// dispatchPoll is dispatch, re-sending a long poll that ended without an
// event. Other requests go to dispatch unchanged.
func (c *Client) dispatchPoll(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	if op.Kind != backend.Watch {
		return c.dispatch(ctx, op)
	}
	cur := op
	backoff := longPollMinBackoff
	for {
		start := time.Now()
		resp, err := c.dispatch(ctx, cur)
		switch {
		case err == nil && !emptyPoll(resp):
			return resp, nil
		case err != nil && (ctx.Err() != nil || !errors.Is(err, backend.ErrStreamBroken)):
			return resp, err
		}
		// The stream ended with no event: wait again from the same index.
		if err == nil && !cur.HasWaitIndex {
			if idx, ok := etcdIndex(resp); ok {
				cur = withWaitIndex(cur, idx+1)
			}
		}
		if time.Since(start) >= longPollQuick {
			backoff = longPollMinBackoff
			continue
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		if backoff *= 2; backoff > longPollMaxBackoff {
			backoff = longPollMaxBackoff
		}
	}
}

// emptyPoll reports a long poll answered 200 with no event in the body.
func emptyPoll(resp *backend.Response) bool {
	return resp != nil && resp.Status == http.StatusOK && len(bytes.TrimSpace(resp.Body)) == 0
}

// etcdIndex reads X-Etcd-Index, the index the watch started at.
func etcdIndex(resp *backend.Response) (uint64, bool) {
	if resp == nil || resp.Header == nil {
		return 0, false
	}
	n, err := strconv.ParseUint(resp.Header.Get("X-Etcd-Index"), 10, 64)
	return n, err == nil
}

// withWaitIndex returns a copy of op that waits from idx.
func withWaitIndex(op *backend.Op, idx uint64) *backend.Op {
	o := *op
	o.WaitIndex, o.HasWaitIndex = idx, true
	return &o
}
