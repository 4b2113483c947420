package v3backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
)

// Silent members (the v2 backend's rules, internal/v2http/stall.go, on
// gRPC). clientv3 spreads RPCs over every endpoint (round robin), so a
// member that accepts connections and answers nothing (SIGSTOP, a
// partition that drops packets) would get its share of calls, each
// waiting for its whole timeout, until gRPC's keep-alive (at least 10 s)
// closes the connection. So:
//
//   - Each unary RPC of a call is watched (an interceptor inside clientv3's
//     retry interceptor, a stats handler that learns which member the RPC
//     went to). A read-only RPC (Range, a Txn of ranges only, MemberList,
//     Status) without an answer within the stall bound is abandoned while
//     another healthy member is left; clientv3 sends it again to the next
//     member.
//   - A write without an answer within the stall bound makes the client
//     ask that member's GET /version (1 s). When that is not answered
//     either, the write is abandoned, not resent, and the call answers 408.
//   - Such a member, and one on which a read stalled or a call timed out
//     when it does not answer GET /version either (asked in the
//     background: a member that answers it is alive, only slow, e.g.
//     waiting for an election), becomes suspect: it is taken out of
//     clientv3's endpoints (SetEndpoints), so no RPC goes there, until a
//     background GET /health is answered 200; then it is put back.

const (
	silentProbeTimeout = time.Second
	probeFirst         = 250 * time.Millisecond
	probeMax           = 2 * time.Second
	probeTimeout       = 2 * time.Second
)

var (
	errCallTimeout = errors.New("call timeout")
	errStalled     = errors.New("stalled")
	errSilent      = errors.New("the member answers nothing")
)

// callWatch is what one Do carries through its RPCs.
type callWatch struct {
	stall  time.Duration
	mu     sync.Mutex
	notes  []string
	silent bool
}

func (w *callWatch) note(s string, silent bool) {
	w.mu.Lock()
	w.notes = append(w.notes, s)
	w.silent = w.silent || silent
	w.mu.Unlock()
}

func (w *callWatch) result() (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.notes, "; "), w.silent
}

type callKey struct{}
type targetKey struct{}

// withCall is Do's context: the call's timeout with errCallTimeout as its
// cause, and its watch.
func withCall(ctx context.Context, timeout, setting time.Duration) (context.Context, *callWatch, context.CancelFunc) {
	w := &callWatch{stall: backend.StallBound(setting, timeout)}
	ctx = context.WithValue(ctx, callKey{}, w)
	if timeout <= 0 {
		return ctx, w, func() {}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errCallTimeout)
	return ctx, w, cancel
}

// rpcTarget is the member an RPC went to, learnt from the stats handler.
type rpcTarget struct {
	mu   sync.Mutex
	addr string
}

func (t *rpcTarget) get() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.addr
}

// health is the suspect members of one shared connection.
type health struct {
	http *http.Client

	mu       sync.Mutex
	cli      *clientv3.Client
	all      []string // every endpoint URL, in order
	suspects map[string]*suspicion
}

type suspicion struct {
	reason  string
	next    time.Time
	wait    time.Duration
	probing bool
}

func newHealth(eps []string) *health {
	return &health{all: append([]string(nil), eps...), suspects: map[string]*suspicion{}}
}

// urlOf returns the endpoint URL of a member's address, "" when none.
func (h *health) urlOf(addr string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.all {
		if u, err := url.Parse(e); err == nil && u.Host == addr {
			return e
		}
	}
	return ""
}

// healthyOthers reports whether a member other than u is not suspect.
func (h *health) healthyOthers(u string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.all {
		if e != u && h.suspects[e] == nil {
			return true
		}
	}
	return false
}

// mark makes u suspect and takes it out of the connection's endpoints
// (unless no other is left).
func (h *health) mark(u, reason string) {
	if u == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.suspects[u] != nil {
		return
	}
	h.suspects[u] = &suspicion{reason: reason, next: time.Now().Add(probeFirst), wait: 2 * probeFirst}
	h.applyLocked()
}

func (h *health) applyLocked() {
	if h.cli == nil {
		return
	}
	var eps []string
	for _, e := range h.all {
		if h.suspects[e] == nil {
			eps = append(eps, e)
		}
	}
	if len(eps) == 0 {
		eps = h.all
	}
	h.cli.SetEndpoints(eps...)
}

// resync takes the connection's endpoints as the full list (after a
// membership sync) and takes the suspects out again.
func (h *health) resync() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.all = append([]string(nil), h.cli.Endpoints()...)
	h.applyLocked()
}

// probeDue starts the background probes that are due.
func (h *health) probeDue() {
	h.mu.Lock()
	var due []string
	now := time.Now()
	for u, s := range h.suspects {
		if !s.probing && !now.Before(s.next) {
			s.probing = true
			due = append(due, u)
		}
	}
	h.mu.Unlock()
	for _, u := range due {
		go h.probe(u)
	}
}

func (h *health) probe(u string) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	ok := h.get(ctx, u+"/health") == http.StatusOK
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.suspects[u]
	if s == nil {
		return
	}
	if ok {
		delete(h.suspects, u)
		h.applyLocked()
		return
	}
	s.probing = false
	s.next = time.Now().Add(s.wait)
	s.wait = min(2*s.wait, probeMax)
}

// get returns the status of GET u, 0 when no answer was had.
func (h *health) get(ctx context.Context, u string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0
	}
	res, err := h.http.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// readOnly reports whether a unary request only reads.
func readOnly(req any) bool {
	switch r := req.(type) {
	case *pb.RangeRequest, *pb.MemberListRequest, *pb.StatusRequest:
		return true
	case *pb.TxnRequest:
		for _, ops := range [][]*pb.RequestOp{r.Success, r.Failure} {
			for _, op := range ops {
				if op.GetRequestRange() == nil {
					return false
				}
			}
		}
		return true
	}
	return false
}

// unary is the interceptor described at the top of this file.
func (h *health) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	w, _ := ctx.Value(callKey{}).(*callWatch)
	if w == nil || w.stall <= 0 {
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	tgt := &rpcTarget{}
	actx, abandon := context.WithCancelCause(context.WithValue(ctx, targetKey{}, tgt))
	defer abandon(nil)
	ro := readOnly(req)
	timer := time.AfterFunc(w.stall, func() {
		u := h.urlOf(tgt.get())
		if ro {
			if h.healthyOthers(u) {
				abandon(errStalled)
			}
			return
		}
		if u == "" {
			return
		}
		pctx, cancel := context.WithTimeout(actx, silentProbeTimeout)
		defer cancel()
		if h.get(pctx, u+"/version") == 0 && actx.Err() == nil {
			abandon(errSilent)
		}
	})
	err := invoker(actx, method, req, reply, cc, opts...)
	// A read refused while the cluster elects a leader ("leader
	// changed", "no leader": Unavailable) is asked again, as clientv3
	// does for Range but not for a Txn of ranges.
	for pause := 50 * time.Millisecond; ro && err != nil && status.Code(err) == codes.Unavailable && actx.Err() == nil && pause <= time.Second; pause *= 2 {
		t := time.NewTimer(pause)
		select {
		case <-actx.Done():
		case <-t.C:
		}
		t.Stop()
		if actx.Err() == nil {
			err = invoker(actx, method, req, reply, cc, opts...)
		}
	}
	timer.Stop()
	if err == nil {
		return nil
	}
	u := h.urlOf(tgt.get())
	cause := context.Cause(actx)
	switch {
	case ctx.Err() == nil && errors.Is(cause, errStalled):
		note := fmt.Sprintf("%s: no answer within %v", u, w.stall)
		w.note(note, false)
		h.markIfSilent(u, note)
		// clientv3's retry interceptor sends it again, to another member.
		return status.Error(codes.DeadlineExceeded, note)
	case ctx.Err() == nil && errors.Is(cause, errSilent):
		note := fmt.Sprintf("%s: no answer within %v, nor to a probe", u, w.stall)
		w.note(note, true)
		h.mark(u, note)
		return fmt.Errorf("%s: %w", note, errSilent)
	case errors.Is(context.Cause(ctx), errCallTimeout) && u != "":
		note := fmt.Sprintf("%s: no answer within the call's timeout", u)
		w.note(note, false)
		h.markIfSilent(u, note)
	}
	return err
}

// markIfSilent makes u suspect when it does not answer GET /version
// either (asked in the background, 1 s). A member that is alive but slow
// (a read waiting for an election) is not taken out of the connection:
// during an election every member is slow, and taking the live ones out
// would leave only a dead one.
func (h *health) markIfSilent(u, reason string) {
	if u == "" {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), silentProbeTimeout)
		defer cancel()
		if h.get(ctx, u+"/version") == 0 {
			h.mark(u, reason+", nor to a probe")
		}
	}()
}

// The stats handler learns the member each RPC was sent to.
func (h *health) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (h *health) HandleRPC(ctx context.Context, s stats.RPCStats) {
	oh, ok := s.(*stats.OutHeader)
	if !ok || oh.RemoteAddr == nil {
		return
	}
	if t, ok := ctx.Value(targetKey{}).(*rpcTarget); ok {
		t.mu.Lock()
		t.addr = oh.RemoteAddr.String()
		t.mu.Unlock()
	}
}
func (h *health) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (h *health) HandleConn(context.Context, stats.ConnStats)                       {}
