package v2http

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// How an Op becomes an HTTP request. The requests are lua-etcd 0.12's, so
// that a proxy, an audit log or a test sees exactly what the original
// client sent: the same method, path, query parameters in the same order
// and form fields in the same order. Only the escaping is ours (every path
// segment and every value is escaped).

// call is one HTTP request, independent of the endpoint it goes to.
type call struct {
	kind    backend.Kind // for the request hook
	key     string       // the key or member name, for the request hook
	method  string
	path    string // unescaped path below the endpoint's base, e.g. "/v2/keys/a b"
	rawPath string // the same, escaped
	query   string // encoded query, without "?"
	body    []byte
	ctype   string
}

// urlFor returns the full URL of k on ep.
func (k *call) urlFor(ep *endpoint) *url.URL {
	u := *ep.u
	u.Path = ep.u.Path + k.path
	u.RawPath = ep.u.EscapedPath() + k.rawPath
	u.RawQuery = k.query
	return &u
}

// escapePath escapes each segment of a slash-separated path.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// params builds an application/x-www-form-urlencoded string (a query or a
// form body) in the order its parameters are added.
type params struct{ b strings.Builder }

func (p *params) add(name, value string) {
	if p.b.Len() > 0 {
		p.b.WriteByte('&')
	}
	p.b.WriteString(url.QueryEscape(name))
	p.b.WriteByte('=')
	p.b.WriteString(url.QueryEscape(value))
}

// flag adds name=true when on.
func (p *params) flag(name string, on bool) {
	if on {
		p.add(name, "true")
	}
}

func (p *params) String() string { return p.b.String() }

// ttlValue renders a TTL as lua-etcd sent it: NoTTL (any negative TTL) is
// the empty string, which etcd reads as "no TTL" and which clears one.
func ttlValue(ttl int64) string {
	if ttl < 0 {
		return ""
	}
	return strconv.FormatInt(ttl, 10)
}

func formatIndex(i uint64) string { return strconv.FormatUint(i, 10) }

// newCall makes a call of op's kind to path (unescaped; escaped per
// segment here).
func newCall(op *backend.Op, method, path string) *call {
	return &call{kind: op.Kind, key: op.Key, method: method, path: path, rawPath: escapePath(path)}
}

// keysPath is the /v2/keys path of a key.
func keysPath(key string) string {
	if !strings.HasPrefix(key, "/") && key != "" {
		key = "/" + key
	}
	return "/v2/keys" + key
}

// keysCall builds the request of a key-space op other than SetTTL (which
// is two requests, see setTTL).
func keysCall(op *backend.Op) *call {
	var q params
	method := http.MethodPut
	write := true
	switch op.Kind {
	case backend.Get:
		method, write = http.MethodGet, false
		q.flag("recursive", op.Recursive)
		q.flag("sorted", op.Sorted)
		// lua-etcd's consistent=true, ignored since etcd 2.0, and
		// quorum=true, which etcd honours.
		q.flag("consistent", op.Quorum)
		q.flag("quorum", op.Quorum)
	case backend.Watch:
		method, write = http.MethodGet, false
		q.add("wait", "true")
		q.flag("recursive", op.Recursive)
		if op.HasWaitIndex {
			q.add("waitIndex", formatIndex(op.WaitIndex))
		}
	case backend.Set:
	case backend.Create:
		q.add("prevExist", "false")
	case backend.Update:
		q.add("prevExist", "true")
	case backend.CompareAndSwap:
		q.add("prevExist", "true")
		if op.HasPrevIndex {
			q.add("prevIndex", formatIndex(op.PrevIndex))
		}
		if op.HasPrevValue {
			q.add("prevValue", op.PrevValue)
		}
	case backend.CreateInOrder:
		method = http.MethodPost
	case backend.Delete:
		method, write = http.MethodDelete, false
		q.flag("dir", op.Dir)
		q.flag("recursive", op.Recursive)
	case backend.CompareAndDelete:
		method, write = http.MethodDelete, false
		if op.HasPrevValue {
			q.add("prevValue", op.PrevValue)
		}
		if op.HasPrevIndex {
			q.add("prevIndex", formatIndex(op.PrevIndex))
		}
	}
	k := newCall(op, method, keysPath(op.Key))
	k.query = q.String()
	if write {
		var f params
		if op.Dir {
			f.add("dir", "true")
		} else if op.HasValue {
			f.add("value", op.Value)
		}
		f.add("ttl", ttlValue(op.TTL))
		k.setForm(f.String())
	}
	return k
}

func (k *call) setForm(form string) {
	k.body = []byte(form)
	k.ctype = "application/x-www-form-urlencoded"
}

// adminConfigBody is SetAdminConfig's JSON body: the settings in the order
// given, each a number.
func adminConfigBody(settings []backend.Setting) []byte {
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for i, s := range settings {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, s.Name)
		b = append(b, ':')
		b = strconv.AppendUint(b, s.Value, 10)
	}
	return append(b, '}')
}

// machinesCall is the peer request for /v2/admin/machines[/name]; the name
// is one escaped path segment.
func machinesCall(op *backend.Op, method string) *call {
	k := newCall(op, method, "/v2/admin/machines")
	k.key = op.Name
	if op.Name != "" {
		k.path += "/" + op.Name
		k.rawPath += "/" + url.PathEscape(op.Name)
	}
	return k
}

// plainCall is a GET of a fixed path done on behalf of op (the membership
// lookup's requests).
func plainCall(kind backend.Kind, method, path string) *call {
	return &call{kind: kind, method: method, path: path, rawPath: escapePath(path)}
}
