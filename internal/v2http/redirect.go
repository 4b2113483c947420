package v2http

import (
	"context"
	"net/http"
	"net/url"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Redirects, as lua-etcd saw them. etcd 0.4 answered a request sent to a
// follower with 307 and the leader's URL; two pieces of lua-etcd dealt
// with it, differently:
//
//   - A GET (and HEAD) was followed by luasocket's http.request: 301,
//     302, 303 and 307, at most 5 in a row. The answer is the final one,
//     whose header also holds the redirect's location (absolute) unless
//     it has one of its own. The client stays where it was.
//   - A write (PUT, POST, DELETE), which luasocket does not follow, was
//     sent again by lua-etcd to the location of a 307. The answer carries
//     failover = the base URL it went to (Response.RedirectedTo), no
//     location, and the client's later requests go there directly: the
//     keys and server requests when the host redirected, the admin ones
//     when the peer did.
//
// net/http would follow every redirect silently, so its clients are used
// with CheckRedirect returning http.ErrUseLastResponse (noRedirects) and
// this file does the following itself, on the same keep-alive pool.

// maxRedirects is luasocket's limit of redirects in a row.
const maxRedirects = 5

// noRedirects makes an http.Client hand redirects back to us.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutRedirects returns hc, or a copy of it sharing its transport, that
// does not follow redirects.
func withoutRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = noRedirects
	return &cp
}

// redirected returns the location an answer to a request of method sends
// it to, or nil when lua-etcd would not have followed it.
func redirected(method string, resp *backend.Response, from *url.URL) *url.URL {
	var follow bool
	switch method {
	case http.MethodGet, http.MethodHead:
		switch resp.Status {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect:
			follow = true
		}
	default:
		follow = resp.Status == http.StatusTemporaryRedirect
	}
	loc := resp.Header.Get("Location")
	if !follow || loc == "" {
		return nil
	}
	u, err := from.Parse(loc)
	if err != nil {
		return nil
	}
	return u
}

// follow carries on after resp, the answer of k sent to ep, when it is a
// redirect lua-etcd followed (see above); otherwise resp is the answer.
func (c *Client) follow(ctx context.Context, ep *endpoint, k *call, resp *backend.Response) (*backend.Response, error) {
	if resp.Status < 300 || resp.Status > 399 {
		return resp, nil // the common case, without building the URL
	}
	loc := redirected(k.method, resp, k.urlFor(ep))
	if loc == nil {
		return resp, nil
	}
	write := k.method != http.MethodGet && k.method != http.MethodHead
	var to *endpoint
	for hop := 0; loc != nil && hop < maxRedirects; hop++ {
		// The location's server, with the cluster's credentials, as a
		// member found by a lookup gets them.
		base := *loc
		base.Path, base.RawPath, base.RawQuery, base.ForceQuery, base.Fragment = "", "", "", false, ""
		to = c.parseEndpoint("redirect", base.String())
		next := *k
		next.path, next.rawPath, next.query = loc.Path, loc.EscapedPath(), loc.RawQuery
		var err error
		if resp, err = c.roundTripHooked(ctx, to, &next); err != nil {
			return nil, err
		}
		k = &next
		last := loc
		if loc = redirected(k.method, resp, k.urlFor(to)); loc == nil && !write && resp.Header.Get("Location") == "" {
			resp.Header.Set("Location", last.String())
		}
	}
	if write {
		resp.RedirectedTo = to.String()
		c.moveTo(ep, to)
	}
	return resp, nil
}

// moveTo makes to take the place of from for later requests: the peer
// when from is the peer, else the current client endpoint.
func (c *Client) moveTo(from, to *endpoint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if from == c.peer {
		c.peer = to
		return
	}
	for i, e := range c.eps {
		if e.String() == to.String() {
			c.cur = i
			return
		}
	}
	// A new slice: callers may hold the old one (snapshot).
	c.eps = append([]*endpoint{to}, c.eps...)
	c.cur = 0
}
