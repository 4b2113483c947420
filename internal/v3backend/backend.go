package v3backend

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"
)

// Backend carries out v2 operations on etcd's v3 API. It is safe for
// concurrent use; Close gives its connection back.
type Backend struct {
	sh      *shared
	cli     *clientv3.Client
	hook    backend.Hook
	eps     string
	maxBody int64
	stall   time.Duration // Config.StallTimeout

	mu      sync.Mutex
	closed  bool
	pending map[clientv3.LeaseID]*time.Timer // leases to revoke after a grace period (ttl.go)
}

var _ backend.Backend = (*Backend)(nil)

// New returns a Backend on the shared connection for c's endpoints,
// credentials and TLS configuration (made on first use).
func New(c Config) (*Backend, error) {
	sh, err := acquire(c)
	if err != nil {
		return nil, err
	}
	maxBody := c.MaxBodySize
	if maxBody <= 0 {
		maxBody = DefaultMaxBodySize
	}
	return &Backend{sh: sh, cli: sh.cli, hook: c.Hook, eps: strings.Join(sh.cli.Endpoints(), ","), maxBody: maxBody, stall: c.StallTimeout,
		pending: map[clientv3.LeaseID]*time.Timer{}}, nil
}

// Close revokes the leases still waiting for their grace period, and
// releases the shared connection (closed with its last user).
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	ids := make([]clientv3.LeaseID, 0, len(b.pending))
	for id, t := range b.pending {
		if t.Stop() {
			ids = append(ids, id)
		}
	}
	b.pending = nil
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	for _, id := range ids {
		b.cli.Revoke(ctx, id)
	}
	cancel()
	release(b.sh)
	return nil
}

// Client returns the shared clientv3 client (tests and tools).
func (b *Backend) Client() *clientv3.Client { return b.cli }

// Do carries out op. Op.Timeout bounds it: when it expires the answer is
// {Status: 408, TimedOut: true}. Cancelling ctx ends it at once with
// ctx.Err().
func (b *Backend) Do(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	if op == nil {
		return nil, errors.New("v3 backend: nil operation")
	}
	start := time.Now()
	rctx, watch, cancel := withCall(ctx, op.Timeout, b.stall) // silent.go
	defer cancel()
	b.sh.health.probeDue()
	var resp *backend.Response
	var method string
	err := b.ready(rctx)
	if err == nil {
		resp, method, err = b.dispatch(rctx, op)
	}
	if err == nil && int64(len(resp.Body)) > b.maxBody {
		// The answer was had (a write took effect); only its size is
		// refused, as the v2 backend refuses a body over the limit.
		resp, err = &backend.Response{Status: resp.Status}, fmt.Errorf("%w: the answer of %d bytes exceeds the limit of %d bytes",
			backend.ErrBodyTooLarge, len(resp.Body), b.maxBody)
	}
	if err != nil {
		switch {
		case errors.Is(err, backend.ErrBodyTooLarge):
		case ctx.Err() != nil:
			err = ctx.Err()
		case op.Timeout > 0 && rctx.Err() != nil || errors.Is(err, errSilent):
			// A write given up on a silent member answers as a timeout.
			resp, err = &backend.Response{Status: http.StatusRequestTimeout, TimedOut: true}, nil
		case errors.Is(err, backend.ErrAllEndpointsFailed):
		default:
			resp, err = b.classify(op, err)
		}
	}
	if b.hook != nil {
		in := backend.Info{Kind: op.Kind, Key: op.Key, Endpoint: b.eps, Method: method, Err: err, Duration: time.Since(start)}
		in.Suspect, _ = watch.result()
		if op.Kind == backend.Machines || op.Kind == backend.RemoveMachine {
			in.Key = op.Name
		}
		if resp != nil {
			in.Status = resp.Status
		}
		b.hook(in)
	}
	return resp, err
}

// ready waits until the connection is up, at most the dial timeout.
// clientv3 makes every call wait for a ready connection (gRPC's
// WaitForReady), so without this an operation on an unreachable cluster
// would block until its context ends, where the v2 backend fails at once
// with ErrAllEndpointsFailed.
func (b *Backend) ready(ctx context.Context) error {
	conn := b.cli.ActiveConnection()
	st := conn.GetState()
	if st == connectivity.Ready {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, b.sh.dialTimeout)
	defer cancel()
	for st != connectivity.Ready {
		if st == connectivity.Idle {
			conn.Connect()
		}
		if st == connectivity.TransientFailure {
			// gRPC keeps retrying in the background; when no endpoint
			// takes a TCP connection at all, say so at once, with the
			// dial's own words, as the v2 backend does.
			if err := b.dialAny(wctx); err != nil {
				return fmt.Errorf("%w (%s): %w", backend.ErrAllEndpointsFailed, b.eps, err)
			}
		}
		if !conn.WaitForStateChange(wctx, st) {
			if err := ctx.Err(); err != nil {
				return err
			}
			return fmt.Errorf("%w (%s): no connection within %v", backend.ErrAllEndpointsFailed, b.eps, b.sh.dialTimeout)
		}
		st = conn.GetState()
	}
	return nil
}

// dialAny opens (and closes) a TCP connection to each endpoint in turn;
// nil when one accepts, else the last dial error.
func (b *Backend) dialAny(ctx context.Context) error {
	var last error
	for _, ep := range b.cli.Endpoints() {
		u, err := url.Parse(ep)
		if err != nil {
			last = err
			continue
		}
		dctx, cancel := context.WithTimeout(ctx, time.Second)
		c, err := (&net.Dialer{}).DialContext(dctx, "tcp", u.Host)
		cancel()
		if err == nil {
			c.Close()
			return nil
		}
		last = err
	}
	return last
}

// InitFailover has nothing to do: clientv3 balances over the endpoints
// it was given and follows the members itself when asked to sync; it
// checks that the member list can be read, and makes the members' client
// URLs the connection's endpoints.
func (b *Backend) InitFailover(ctx context.Context) error {
	if err := b.ready(ctx); err != nil {
		return fmt.Errorf("membership lookup: %w", err)
	}
	// Bounded: the connection was up a moment ago, but a call waits for
	// a ready one for as long as its context lasts.
	sctx, cancel := context.WithTimeout(ctx, 2*b.sh.dialTimeout)
	defer cancel()
	if err := b.cli.Sync(sctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("membership lookup: %v", rpcText(err))
	}
	b.sh.health.resync() // the members' URLs, without the suspects (silent.go)
	return nil
}

func (b *Backend) dispatch(ctx context.Context, op *backend.Op) (*backend.Response, string, error) {
	if op.Kind.OnKeys() && !strings.HasPrefix(op.Key, "/") {
		return nil, "", fmt.Errorf("v3 backend: key %q is not absolute", op.Key)
	}
	switch op.Kind {
	case backend.Get:
		r, err := b.get(ctx, op)
		return r, "Range", err
	case backend.Set, backend.Create, backend.Update, backend.CompareAndSwap:
		r, err := b.put(ctx, op)
		return r, "Txn", err
	case backend.Delete, backend.CompareAndDelete:
		r, err := b.del(ctx, op)
		return r, "Txn", err
	case backend.CreateInOrder:
		r, err := b.createInOrder(ctx, op)
		return r, "Txn", err
	case backend.SetTTL:
		r, err := b.setTTL(ctx, op)
		return r, "Txn", err
	case backend.Watch:
		r, err := b.watch(ctx, op)
		return r, "Watch", err
	case backend.Version:
		r, err := b.version(ctx)
		return r, "GET /version", err
	case backend.StatsSelf:
		r, err := b.statsSelf(ctx)
		return r, "MemberList", err
	case backend.StatsLeader:
		r, err := b.statsLeader(ctx)
		return r, "MemberList", err
	case backend.StatsStore:
		return noSource(), "", nil
	case backend.AdminConfig, backend.SetAdminConfig:
		return noSource(), "", nil
	case backend.Machines:
		r, err := b.machines(ctx, op.Name)
		return r, "MemberList", err
	case backend.RemoveMachine:
		r, err := b.removeMachine(ctx, op.Name)
		return r, "MemberRemove", err
	}
	return nil, "", fmt.Errorf("v3 backend: unknown operation %s", op.Kind)
}

// classify turns a failed RPC into the answer or error Do gives: a v3
// permission or authentication refusal is v2's 110 answer (status 401);
// an unreachable cluster is ErrAllEndpointsFailed; a write that failed
// after it may have been sent is ErrMaybeApplied.
func (b *Backend) classify(op *backend.Op, err error) (*backend.Response, error) {
	switch {
	case errors.Is(err, rpctypes.ErrPermissionDenied), errors.Is(err, rpctypes.ErrUserEmpty),
		errors.Is(err, rpctypes.ErrInvalidAuthToken), errors.Is(err, rpctypes.ErrAuthFailed),
		errors.Is(err, rpctypes.ErrAuthOldRevision):
		e := v2api.NewError(v2api.EcodeUnauthorized, rpctypes.ErrorDesc(err), 0)
		return &backend.Response{Status: e.Status(), Header: v2api.Header(0), Body: v2api.Marshal(e)}, nil
	}
	var le *limitError
	if errors.As(err, &le) || errors.Is(err, errContention) {
		return nil, err
	}
	if errors.Is(err, rpctypes.ErrUnhealthy) || errors.Is(err, rpctypes.ErrMemberNotEnoughStarted) {
		// A refusal before anything was done (member removal from a
		// cluster whose members are not all connected yet).
		return nil, fmt.Errorf("v3 backend: refused: %v", rpcText(err))
	}
	code := status.Code(err)
	unreachable := code == codes.Unavailable && (strings.Contains(err.Error(), "connection refused") ||
		strings.Contains(err.Error(), "no address") || strings.Contains(err.Error(), "connection error"))
	if op.Kind.Idempotent() || unreachable {
		return nil, fmt.Errorf("%w (%s): %v", backend.ErrAllEndpointsFailed, b.eps, rpcText(err))
	}
	return nil, fmt.Errorf("%w (%s): %v", backend.ErrMaybeApplied, b.eps, rpcText(err))
}

// rpcText is an RPC error's description without gRPC's "rpc error: code
// = ..." decoration.
func rpcText(err error) string {
	if s, ok := status.FromError(err); ok {
		return strings.ToLower(s.Message())
	}
	return err.Error()
}

// limitError reports an operation too large for one v3 transaction.
type limitError struct{ what string }

func (e *limitError) Error() string { return "v3 backend: " + e.what }

// eventResp is a successful keys answer at index idx.
func eventResp(status int, ev *v2api.Event, idx int64) *backend.Response {
	return &backend.Response{Status: status, Header: v2api.Header(uint64(idx)), Body: v2api.Marshal(ev)}
}

// errorResp is v2's error answer with code for key at index idx.
func errorResp(code int, cause string, idx int64) *backend.Response {
	e := v2api.NewError(code, cause, uint64(idx))
	return &backend.Response{Status: e.Status(), Header: v2api.Header(uint64(idx)), Body: v2api.Marshal(e)}
}
