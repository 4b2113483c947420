package v2http

import (
	"crypto/tls"
	"testing"
	"time"
)

// The transport keeps many idle connections per host (many Lua states,
// few endpoints) and bounds dial, handshake and idle time.
func TestNewTransport(t *testing.T) {
	tc := &tls.Config{}
	tr := NewTransport(tc)
	if tr.TLSClientConfig != tc || tr.MaxIdleConnsPerHost != 128 || tr.MaxIdleConns != 512 ||
		tr.IdleConnTimeout != 90*time.Second || tr.TLSHandshakeTimeout != 10*time.Second || !tr.ForceAttemptHTTP2 {
		t.Errorf("%+v", tr)
	}
}

// Clients given the same TLS config share one HTTP client; another config
// gets its own.
func TestSharedClient(t *testing.T) {
	a, b := &tls.Config{}, &tls.Config{}
	if sharedClient(a) != sharedClient(a) || sharedClient(a) == sharedClient(b) || sharedClient(nil) != sharedClient(nil) {
		t.Error("shared clients are not keyed by TLS config")
	}
	CloseIdleConnections()
}
