package backend

import (
	"errors"
	"fmt"
)

// Sentinel errors a backend's Do wraps (test with errors.Is), so callers
// can tell the kinds of failure apart without matching texts.
var (
	// ErrAllEndpointsFailed: no endpoint could be reached or gave an
	// answer. The error's text lists the endpoints tried.
	ErrAllEndpointsFailed = errors.New("all endpoints failed")
	// ErrMaybeApplied: the connection failed after the request may have
	// reached a server, and the operation is not idempotent, so it was not
	// sent again: it may or may not have been applied.
	ErrMaybeApplied = errors.New("the request may have reached the server")
	// ErrStreamBroken: the server answered, then the answer broke off
	// (connection closed or reset while the body was read).
	ErrStreamBroken = errors.New("response stream broken")
	// ErrBodyTooLarge: the answer is larger than the configured limit.
	ErrBodyTooLarge = errors.New("response body too large")
)

// URLError is a host, endpoint or peer URL that cannot be used. Backends
// accept any URL when they are built, as lua-etcd did, and return a
// URLError from each request that would go there.
type URLError struct {
	What   string // "host", "endpoint" or "peer"
	URL    string // the URL as given, without a password
	Detail string // what is wrong, for Go hosts ("scheme must be http or https")
	// Word is what lua-etcd reported for such a URL, and what scripts
	// see: `unsupported protocol: "ftp"`, `invalid uri format: "Parsed
	// text violates expected format"`.
	Word string
}

func (e *URLError) Error() string {
	return fmt.Sprintf("invalid %s url %q: %s", e.What, e.URL, e.Detail)
}
