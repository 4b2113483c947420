package v2http

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Silent endpoints: a member that accepts connections and never answers
// (a process stopped with SIGSTOP, a hung server, a partition that drops
// packets, a proxy whose backend is gone). Each request to a client
// endpoint is watched until the answer's headers arrive (httptrace's
// first response byte: etcd sends the headers of every answer, long polls
// included, as soon as it has taken the request up).
//
//   - A request that only reads (backend.Kind.ReadOnly: gets, listings,
//     watches, version and stats, membership lookups) is abandoned when no
//     headers came within the stall bound, and the call goes on to the
//     next endpoint, within its own timeout. The endpoint becomes suspect.
//     The bound is not applied when no other endpoint is left to try (no
//     other endpoint that is neither suspect nor already abandoned in this
//     call): then the request waits as long as the call may, since a slow
//     answer beats none.
//   - A write is never abandoned on a guess, since the server may yet
//     apply it (even a plain set, which Kind.Idempotent lets the client
//     resend after a broken connection: a copy that a stopped server
//     applies when it resumes could undo a later write). When no headers came within the stall bound, the client
//     asks the same endpoint GET /version (which etcd answers without
//     asking the cluster) with a short timeout. When that gets any answer,
//     the server is alive (busy, or waiting for a leader) and the write
//     waits on. When it gets none, the server is silent: the write is not
//     resent, the call answers 408 (the entity of a timed-out call: the
//     write may or may not be applied, as after any timeout), and the
//     endpoint becomes suspect, so the next call goes elsewhere. Only
//     when the connection was never made (the request cannot have been
//     sent) does the write move on to the next endpoint.
//   - A request whose call timed out without headers from the endpoint
//     (or, except for a watch, without the whole answer) makes the
//     endpoint suspect. A watch that had its headers and waited quietly
//     until the timeout is a quiet watch, not a silent server.
//
// The stall bound is Config.StallTimeout when set (< 0: never abandon),
// else backend.StallBound's: a third of the call's timeout, from 100 ms
// to 2 s (also the bound of calls without a timeout).

const (
	// silentProbeTimeout bounds the probe that tells a silent server from
	// a busy one while a write waits.
	silentProbeTimeout = time.Second
)

var (
	// errCallTimeout is the cause of a call's context when its
	// Op.Timeout expires (see withCallTimeout).
	errCallTimeout = errors.New("call timeout")
	// errStalled and errSilent are the causes with which an attempt is
	// abandoned: a read-only request got no headers in time; a write's
	// server answers nothing, not even a probe.
	errStalled = errors.New("stalled")
	// errSilent is also wrapped by the error of a write given up on a
	// silent server, which Do answers with 408.
	errSilent = errors.New("the server answers nothing")
)

// stallError is the failure of an attempt abandoned for silence that the
// call may follow with the next endpoint: a read-only request, or a
// write whose connection was never made.
type stallError struct {
	ep     *endpoint
	reason string
}

func (e *stallError) Error() string { return e.reason }

// stallKey carries a call's stall bound in its context.
type stallKey struct{}

// withCallTimeout returns the context of one call (Do): its timeout, whose
// expiry has errCallTimeout as its cause, and its stall bound.
func (c *Client) withCallTimeout(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx = context.WithValue(ctx, stallKey{}, backend.StallBound(c.stall, timeout))
	if timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, timeout, errCallTimeout)
}

// stallFor returns the stall bound of the call ctx belongs to; requests
// made outside Do (a membership lookup) derive it from the time they have.
func (c *Client) stallFor(ctx context.Context) time.Duration {
	if d, ok := ctx.Value(stallKey{}).(time.Duration); ok {
		return d
	}
	var left time.Duration
	if dl, ok := ctx.Deadline(); ok {
		left = max(time.Until(dl), time.Millisecond)
	}
	return backend.StallBound(c.stall, left)
}

// progress is what an attempt has seen so far; its fields are set by
// httptrace callbacks and the stall timer, on other goroutines.
type progress struct {
	mu      sync.Mutex
	conn    bool // a connection was had: the request may have been sent
	headers bool // the answer began
	probe   *backend.Info
}

func (p *progress) gotConn()    { p.mu.Lock(); p.conn = true; p.mu.Unlock() }
func (p *progress) gotHeaders() { p.mu.Lock(); p.headers = true; p.mu.Unlock() }

func (p *progress) state() (conn, headers bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conn, p.headers
}

// attempt sends k to the client endpoint ep as roundTrip does, watched as
// described at the top of this file: stall is the bound (0: none) and
// resend says whether the request only reads, so may be abandoned and
// sent elsewhere. note is the reason ep was made suspect ("" when it was
// not); probe, the record of a probe made while a write waited.
func (c *Client) attempt(ctx context.Context, ep *endpoint, k *call, u *url.URL, stall time.Duration, resend bool) (resp *backend.Response, err error, note string, probe *backend.Info) {
	if stall == 0 && k.kind != backend.Watch {
		// Nothing to watch for: only a call timeout can make ep suspect.
		resp, err = c.roundTrip(ctx, ep, k, u)
		if err == nil {
			if c.isSuspect(ep) {
				c.clearSuspect(ep) // it answered
			}
		} else if errors.Is(context.Cause(ctx), errCallTimeout) {
			note = timeoutNote(resp != nil)
			c.markSuspect(ep, note)
		}
		return resp, err, note, nil
	}
	p := &progress{}
	actx, abandon := context.WithCancelCause(ctx)
	defer abandon(nil)
	// A write's probe has a context without the attempt's trace, ended
	// with the attempt.
	pctx, stopProbe := ctx, context.CancelFunc(func() {})
	if stall > 0 && !resend {
		pctx, stopProbe = context.WithCancel(ctx)
		defer stopProbe()
	}
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GotConn:              func(httptrace.GotConnInfo) { p.gotConn() },
		GotFirstResponseByte: p.gotHeaders,
	})
	var timer *time.Timer
	if stall > 0 {
		timer = time.AfterFunc(stall, func() {
			if _, h := p.state(); h {
				return
			}
			if resend {
				abandon(errStalled)
				return
			}
			pc, cancel := context.WithTimeout(pctx, silentProbeTimeout)
			alive, info := c.answers(pc, ep)
			cancel()
			if alive || pctx.Err() != nil {
				return
			}
			p.mu.Lock()
			p.probe = &info
			h := p.headers
			p.mu.Unlock()
			if !h {
				abandon(errSilent)
			}
		})
	}
	resp, err = c.roundTrip(actx, ep, k, u)
	if timer != nil && !timer.Stop() {
		stopProbe() // a probe may be running: end it, the attempt is over
	}
	conn, headers := p.state()
	p.mu.Lock()
	probe = p.probe
	p.mu.Unlock()
	if err == nil {
		if c.isSuspect(ep) {
			c.clearSuspect(ep) // it answered
		}
		return resp, nil, "", probe
	}
	cause := context.Cause(actx)
	switch {
	case ctx.Err() == nil && errors.Is(cause, errStalled):
		note = fmt.Sprintf("no answer headers within %v", stall)
		c.markSuspect(ep, note)
		return nil, &stallError{ep: ep, reason: note}, note, probe
	case ctx.Err() == nil && errors.Is(cause, errSilent):
		note = fmt.Sprintf("no answer headers within %v, nor to a probe", stall)
		c.markSuspect(ep, note)
		if !conn {
			return nil, &stallError{ep: ep, reason: note + "; no connection was made"}, note, probe
		}
		return nil, fmt.Errorf("%s: %s: %w", ep, note, errSilent), note, probe
	case errors.Is(context.Cause(ctx), errCallTimeout) && (!headers || k.kind != backend.Watch):
		note = timeoutNote(headers)
		c.markSuspect(ep, note)
	}
	return resp, err, note, probe
}

// timeoutNote says why a call timeout made an endpoint suspect.
func timeoutNote(began bool) string {
	if began {
		return "the answer stopped before its end, until the call's timeout"
	}
	return "no answer within the call's timeout"
}

// watch says how sendWatched watches one attempt.
type watch struct {
	stall  time.Duration // the stall bound; 0 for none
	resend bool          // the request only reads: abandon it when stalled
}
