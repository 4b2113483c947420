package jail

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// Answer shows a key-space answer as a script jailed below root (a
// CleanRoot result) must see it: every key relative to the root. The body is decoded with the
// v2api types and encoded again; a body that is not a v2 event or error
// (a proxy's text, an empty body) is passed on as it is, since it names
// no key of the store.
func Answer(root string, res *backend.Response) (*backend.Response, error) {
	j := &jailed{root: root}
	if res.TimedOut || len(bytes.TrimSpace(res.Body)) == 0 || j.root == "/" {
		return res, nil
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(res.Body, &probe) != nil {
		return res, nil
	}
	var body []byte
	switch {
	case probe["errorCode"] != nil:
		var e v2api.Error
		if json.Unmarshal(res.Body, &e) != nil {
			return res, nil
		}
		e.Cause = j.cause(e.Cause)
		body = v2api.Marshal(&e)
	case probe["action"] != nil:
		var ev v2api.Event
		if json.Unmarshal(res.Body, &ev) != nil {
			return res, nil
		}
		for _, n := range []*v2api.Node{ev.Node, ev.PrevNode} {
			if n != nil && !j.node(n) {
				return nil, ErrLeak
			}
		}
		body = v2api.Marshal(&ev)
	default:
		return res, nil
	}
	out := *res
	out.Body = body
	if res.Header.Get("Content-Length") != "" {
		out.Header = res.Header.Clone()
		out.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return &out, nil
}

// node rewrites n's key and those of its children. Children outside the
// jail (only possible below an ancestor of the root that etcd reports,
// such as a deleted parent directory) are dropped; false means n itself
// lies outside.
func (j *jailed) node(n *v2api.Node) bool {
	rel, ok := Relative(j.root, n.Key)
	if !ok {
		return false
	}
	n.Key = rel
	if rel == "/" {
		n.Key = "" // etcd shows its root without a key; so does the jail
	}
	kept := n.Nodes[:0]
	for _, c := range n.Nodes {
		if j.node(c) {
			kept = append(kept, c)
		}
	}
	n.Nodes = kept
	return true
}

// cause rewrites an error's cause. Causes that are keys (etcd names the
// key, or the deepest missing directory on its way) start with "/"; other
// causes ("[a != b]", a raft message) name no key and stay. A key cause
// outside the jail is blanked.
func (j *jailed) cause(c string) string {
	if !strings.HasPrefix(c, "/") {
		return c
	}
	rel, _ := Relative(j.root, c)
	return rel
}
