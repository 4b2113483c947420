package backend

import (
	"context"
	"net/http"
	"time"
)

// Response is a backend's answer, shaped as etcd's v2 API answers: the
// HTTP status, the header and the body (JSON of package v2api for the key
// space), whichever backend produced it.
type Response struct {
	// Status is the v2 HTTP status; 408 when TimedOut.
	Status int
	// Header is the v2 response header (Content-Type, X-Etcd-Index, ...),
	// every header as sent, Transfer-Encoding included; nil when TimedOut.
	Header http.Header
	// Body is the raw body; nil when TimedOut.
	Body []byte
	// TimedOut reports that Op.Timeout expired. The Lua layer turns this
	// into the entity {status = 408}.
	TimedOut bool
	// RedirectedTo is, after a write answered 307 and sent again to the
	// location (as lua-etcd did), the base URL (scheme://host:port) it
	// went to, where the backend sends later requests too. The Lua layer
	// shows it as the entity's failover field.
	RedirectedTo string
	// FailoverInit reports a membership lookup done during this call:
	// 0 none, 1 succeeded, -1 failed. The Lua layer shows it as the
	// entity's initFailoverURIs field.
	FailoverInit int8
}

// Backend carries out operations. A Backend is used from one Lua state at
// a time, but implementations share connections between Backends and must
// be safe for concurrent use.
type Backend interface {
	// Do carries out op and returns the answer. An error means no answer
	// was had (connection refused, TLS failure, context cancelled, every
	// endpoint failed); its text is lower case, names the cause and never
	// holds credentials. Errors wrap the sentinels of this package where
	// they apply, and the typed causes (net, syscall, tls, x509 errors),
	// from which the Lua layer words them as lua-etcd did. A host, endpoint
	// or peer URL that cannot be used is accepted when the backend is
	// built and reported by each request that would use it, as a
	// *URLError.
	Do(ctx context.Context, op *Op) (*Response, error)
	// InitFailover looks up the cluster's members and makes the followers'
	// client URLs the retry list. It returns nil when a list was had.
	InitFailover(ctx context.Context) error
}

// Info describes one request a backend sent, for the host's request hook
// and the runner's --trace. It means the same for every backend and never
// holds credentials.
type Info struct {
	Kind     Kind          // the operation
	Key      string        // its key (key-space kinds), or member name
	Endpoint string        // the endpoint that was asked (scheme://host:port)
	Method   string        // the HTTP method (v2) or the RPC (v3, e.g. "Txn")
	URL      string        // the full URL (v2) without user info; "" for v3
	Status   int           // the v2 status answered; 0 when no answer was had
	Err      error         // why no answer was had, if so
	Duration time.Duration // from sending to the end of the answer
}

// Hook receives an Info after each request, on the goroutine that called
// Do.
type Hook func(Info)

// DefaultHost is the client URL used when neither the script nor the host
// gives one: lua-etcd's default.
const DefaultHost = "http://127.0.0.1:4001"
