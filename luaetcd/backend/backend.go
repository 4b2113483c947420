// Package backend is the boundary between the Lua-facing layer (package
// luaetcd: argument checks, values, entities) and the protocol layer that
// talks to etcd (package v2client today; a v3 backend may follow).
//
// A Request describes one lua-etcd operation in the terms of the etcd v2
// HTTP API: which endpoint, the key, the query and form parameters. A
// backend carries it out and answers with the raw Response. The Lua layer
// never sees URLs, connections or endpoints, and a backend never sees Lua
// values.
package backend

import (
	"context"
	"net/http"
	"time"
)

// Endpoint names the etcd API a Request is for.
type Endpoint uint8

const (
	Keys          Endpoint = iota // client /v2/keys + Key
	Version                       // client /version
	StatsLeader                   // client /v2/stats/leader
	StatsSelf                     // client /v2/stats/self
	StatsStore                    // client /v2/stats/store
	AdminConfig                   // peer /v2/admin/config (etcd 0.4)
	AdminMachines                 // peer /v2/admin/machines[/Key] (etcd 0.4; v2client falls back to /v2/members)
)

// Param is one query or form parameter. Parameters are kept in the order
// the Lua layer adds them, so requests are reproducible.
type Param struct {
	Name, Value string
}

// Request is one operation.
type Request struct {
	// Method is the HTTP method: GET, PUT, POST or DELETE.
	Method string
	// Endpoint selects the API.
	Endpoint Endpoint
	// Key is, for Keys, the normalized key with the client prefix already
	// applied ("/app/a b/ü"); it is not escaped. For AdminMachines it is the
	// machine name, or "" for all machines.
	Key string
	// Query holds the URL query parameters.
	Query []Param
	// Form, when not nil, is sent as an application/x-www-form-urlencoded body.
	Form []Param
	// JSON, when not nil, is sent as an application/json body.
	JSON []byte
	// Timeout bounds the whole request, body included; 0 means no timeout.
	// When it expires the backend answers with a Response whose TimedOut is
	// set, not with an error.
	Timeout time.Duration
	// Idempotent says the request may be sent again to another endpoint
	// after an ambiguous failure (the connection broke after the request may
	// have reached a server). Non-idempotent writes (setnx, mkdirnx, push,
	// delete, compare-and-swap) are resent only when the request surely
	// never reached a server.
	Idempotent bool
	// LongPoll marks a watch (wait, waitdir): a stream the server or a
	// proxy ends with no event is sent again, from the same index, until
	// Timeout or the context ends the call, instead of being answered.
	LongPoll bool
}

// Response is what a server answered.
type Response struct {
	// Status is the HTTP status; 408 when TimedOut.
	Status int
	// Header is the response header; nil when TimedOut.
	Header http.Header
	// Body is the raw response body; nil when TimedOut.
	Body []byte
	// TimedOut reports that Request.Timeout expired. The Lua layer turns
	// this into the entity {status = 408}.
	TimedOut bool
	// FailoverInit reports a membership lookup done during this call:
	// 0 none, 1 succeeded, -1 failed. The Lua layer shows it as the entity's
	// initFailoverURIs field.
	FailoverInit int8
}

// Backend carries out requests. A Backend is used from one Lua state at a
// time, but implementations share connections between Backends and must be
// safe for concurrent use.
type Backend interface {
	// Do sends req and returns the answer. An error means no answer was
	// had (connection refused, TLS failure, context cancelled, every
	// endpoint failed); its text is lower case and names the cause, and
	// never holds credentials.
	Do(ctx context.Context, req *Request) (*Response, error)
	// InitFailover looks up the cluster's members and makes the followers'
	// client URLs the retry list. It returns nil when a list was had.
	InitFailover(ctx context.Context) error
}
