package v2http

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"
)

// NewTransport returns an HTTP transport with the settings every Client
// uses unless given its own HTTPClient: keep-alive with room for many
// states' connections to few endpoints, HTTP/2 where TLS offers it, and
// dial, handshake and idle limits. tc is the TLS configuration for
// https:// URLs (nil for the defaults). The benchmark builds its plain Go
// client on it, so both sides of a comparison use the same connections.
func NewTransport(tc *tls.Config) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       tc,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// shared holds one keep-alive client per TLS configuration, so that every
// Client built with the same *tls.Config (many Lua states) shares one
// connection pool.
var shared struct {
	mu    sync.Mutex
	byTLS map[*tls.Config]*http.Client
}

// sharedClient returns the process-wide keep-alive client for tc.
func sharedClient(tc *tls.Config) *http.Client {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if hc := shared.byTLS[tc]; hc != nil {
		return hc
	}
	if shared.byTLS == nil {
		shared.byTLS = map[*tls.Config]*http.Client{}
	}
	hc := &http.Client{Transport: NewTransport(tc), CheckRedirect: noRedirects}
	shared.byTLS[tc] = hc
	return hc
}

// SharedClient returns the keep-alive client every Client built with tc
// and no HTTPClient of its own uses, for other requests to the same
// endpoints that should share its connections (the API probe).
func SharedClient(tc *tls.Config) *http.Client { return sharedClient(tc) }

// CloseIdleConnections closes the idle keep-alive connections of the
// shared transports. Hosts may call it at shutdown; the runner calls it
// before stopping an --embed etcd, whose server otherwise waits for idle
// connections on which no request was ever sent (a dial that finished
// after its request was cancelled is kept for reuse) until they time out.
func CloseIdleConnections() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for _, hc := range shared.byTLS {
		hc.CloseIdleConnections()
	}
}
