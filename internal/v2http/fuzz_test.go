package v2http

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// FuzzKeyURL checks the URL built for a key: parsed back (by url.Parse,
// and by a server reading the request line) it yields the key exactly, for
// any key, below a base URL that has a path of its own too; the query
// stays the query. Nothing is sent.
func FuzzKeyURL(f *testing.F) {
	for _, k := range []string{"/a", "a b/ü", "/%41", "/a?b#c", "/a;b,c", "/a/+&=", "", "/", "/.../x", "/\x00\x7f", "/\xff\xfe", "//a//", "/日本/\u2028"} {
		f.Add(k)
	}
	bases := []string{"http://127.0.0.1:2379", "https://user:pw@[::1]:2379/base path/%2F"}
	var eps []*endpoint
	c := &Client{}
	for _, b := range bases {
		ep := c.parseEndpoint("host", b)
		if ep.bad != nil {
			f.Fatal(ep.bad)
		}
		eps = append(eps, ep)
	}
	f.Fuzz(func(t *testing.T, key string) {
		// A compare-and-swap puts the key in the path and in the query.
		cl := keysCall(&backend.Op{Kind: backend.CompareAndSwap, Key: key, PrevValue: key, HasPrevValue: true})
		k := key
		if !strings.HasPrefix(k, "/") && k != "" {
			k = "/" + k
		}
		for _, ep := range eps {
			u := cl.urlFor(ep)
			s := u.String()
			want := ep.u.Path + "/v2/keys" + k
			p, err := url.Parse(s)
			if err != nil {
				t.Fatalf("key %q: url %q does not parse: %v", key, s, err)
			}
			if p.Path != want {
				t.Fatalf("key %q: url %q parses to path %q, want %q", key, s, p.Path, want)
			}
			if got := p.Query(); got.Get("prevExist") != "true" || got.Get("prevValue") != key && utf8.ValidString(key) {
				t.Fatalf("key %q: query %q parses to %v", key, p.RawQuery, got)
			}
			if p.Fragment != "" || p.User != nil {
				t.Fatalf("key %q: url %q has a fragment or user info", key, s)
			}
			// What the server reads from the request line.
			hreq, err := http.NewRequestWithContext(context.Background(), http.MethodGet, s, nil)
			if err != nil {
				t.Fatalf("key %q: NewRequest(%q): %v", key, s, err)
			}
			hreq.URL = u
			var buf bytes.Buffer
			if err := hreq.Write(&buf); err != nil {
				t.Fatalf("key %q: writing the request: %v", key, err)
			}
			sreq, err := http.ReadRequest(bufio.NewReader(&buf))
			if err != nil {
				t.Fatalf("key %q: the server cannot read %q: %v", key, firstLine(buf.String()), err)
			}
			if sreq.URL.Path != want {
				t.Fatalf("key %q: the server reads path %q, want %q", key, sreq.URL.Path, want)
			}
		}
	})
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
