package v2http

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Failover between client URLs.
//
// A Client keeps a pinned endpoint (the current one) and sends every
// request there first. When that attempt fails, the request may go on to
// the next endpoint in the list, and so on around the list:
//
//   - A dial error (connection refused, no route, DNS): the request never
//     reached a server, so any request moves on, writes included.
//   - An answer 500, 502, 503 or 504 (etcd's "Raft Internal Error" while
//     a leader is elected or a member stops, a proxy's 502/503/504): a
//     request of an idempotent kind (backend.Kind.Idempotent: reads,
//     watches, plain set and mkdir) moves on. A request that is not
//     (setnx, mkdirnx, push, delete, compare-and-swap) does NOT: the
//     server's answer is returned as is. No such answer proves that the
//     write was not applied: etcd sends its 5xx after the proposal went to
//     raft (a proposal that timed out during an election may still be
//     committed by the next leader), and a proxy's 502/503/504 may come
//     after the request was forwarded. A script that wants to retry reads
//     the key first.
//   - An ambiguous failure (the connection broke after the request was
//     written: EOF, reset): an idempotent request moves on; any other is
//     not resent and the call fails with "...; not resent: the request
//     may have reached the server" (backend.ErrMaybeApplied).
//   - A failure after an answer began (a body that breaks off or exceeds
//     the size limit: backend.ErrStreamBroken, ErrBodyTooLarge) is never
//     retried.
//
// Retries are bounded: at most retryPasses passes over the endpoint list
// (2 × the number of endpoints attempts in all). The first pass moves to
// the next endpoint at once after a failure to connect; before an attempt
// that follows a 5xx answer, and before every attempt of the second pass,
// the client pauses with exponential backoff (backoffBase, doubled each
// pause, at most backoffCap, with jitter: a pause of nominal d lasts
// between d/2 and d). All of it is bounded by the request's context and
// Timeout: a pause that would end after the deadline is not taken, and
// the call ends with what it has.
//
// When every attempt failed: if some endpoint answered 5xx, the last such
// answer is returned as the Response (not an error), so the script sees
// etcd's own answer; otherwise the error names the endpoints tried and the
// last cause.
//
// A request that succeeds on another endpoint than the current one pins
// that endpoint: later requests go there first. Such a failover also makes
// the membership due for a refresh from /v2/members (see lookupDue), but
// never more than one lookup per client per 30 s, and never one per call.

const (
	// retryPasses is how many times a request may go around the
	// endpoint list.
	retryPasses = 2
	// backoffBase is the first pause, backoffCap the longest.
	backoffBase = 50 * time.Millisecond
	backoffCap  = time.Second
)

// unavailable reports a status that says the server, or a proxy in front
// of it, cannot serve the request now: worth trying another endpoint.
func unavailable(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the nominal pause before the n-th retry pause (n from 0):
// backoffBase doubled n times, at most backoffCap.
func backoff(n int) time.Duration {
	d := backoffBase
	for i := 0; i < n && d < backoffCap; i++ {
		d *= 2
	}
	return min(d, backoffCap)
}

// jitter picks a pause in [d/2, d].
func jitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(d-half+1)
}

// pause waits d, or less when ctx ends (then it returns ctx's error).
func (c *Client) pause(ctx context.Context, d time.Duration) error {
	if c.sleep != nil {
		return c.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// doClient sends k to the client endpoints with failover, retries and
// backoff as described at the top of this file.
func (c *Client) doClient(ctx context.Context, k *call, idempotent bool) (*backend.Response, error) {
	eps, cur := c.snapshot()
	n := len(eps)
	var (
		tried     []string // distinct endpoints, in the order first tried
		last      error    // the last failure without an answer
		last5xx   *backend.Response
		prev5xx   bool // the previous attempt was answered 5xx
		pauses    int
		lastFault *endpoint
	)
	for i := 0; i < retryPasses*n; i++ {
		ep := eps[(cur+i)%n]
		if i > 0 && (prev5xx || i >= n) {
			d := jitter(backoff(pauses))
			pauses++
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
				break // no time for another attempt: answer with what we have
			}
			if err := c.pause(ctx, d); err != nil {
				return nil, err
			}
		}
		if i < n {
			tried = append(tried, ep.String())
		}
		resp, err := c.send(ctx, ep, k)
		if err == nil && !unavailable(resp.Status) {
			if i%n != 0 {
				c.pin(ep)
			}
			return resp, nil
		}
		if err == nil {
			// 5xx: the server answered; a write may have been applied.
			if !idempotent {
				return resp, nil
			}
			last5xx, prev5xx = resp, true
			continue
		}
		prev5xx = false
		if ctx.Err() != nil {
			return nil, err
		}
		last, lastFault = err, ep
		var ae *answerError
		if errors.As(err, &ae) {
			return nil, failedAt(ep, err)
		}
		if !idempotent && !neverSent(err) {
			return nil, maybeApplied(ep, err)
		}
	}
	if last5xx != nil {
		return last5xx, nil
	}
	if len(tried) == 1 {
		return nil, &kindError{failedAt(lastFault, last), backend.ErrAllEndpointsFailed}
	}
	return nil, &kindError{
		fmt.Errorf("all %d endpoints failed (%s); last error: %w", len(tried), strings.Join(tried, ", "), causeError{last}),
		backend.ErrAllEndpointsFailed,
	}
}
