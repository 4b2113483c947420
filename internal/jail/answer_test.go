package jail

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// FuzzAnswer feeds Answer events with arbitrary keys and checks that
// every key it shows stands for a key of the answer inside the jail (or
// for the root, shown without a key), so no key outside is ever shown,
// and that an answer whose keys all lie inside is never withheld.
func FuzzAnswer(f *testing.F) {
	for _, s := range [][4]string{
		{"/tenant/a", "/tenant/a", "/tenant/a/x", "/tenant/ab"},
		{"/tenant/a", "/tenant", "/tenant/b", "/tenant/a/y"},
		{"/t", "/t/../u", "/t/x", "/t/x/y"},
		{"/", "/a", "/a/b", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, root, top, child, prev string) {
		root = CleanRoot(root)
		ev := v2api.Event{
			Action:   v2api.ActionGet,
			Node:     &v2api.Node{Key: top, Dir: true, Nodes: []*v2api.Node{{Key: child}, {Key: prev}}},
			PrevNode: &v2api.Node{Key: prev},
		}
		body, err := json.Marshal(&ev)
		if err != nil {
			return // keys that are not valid UTF-8 are not JSON strings
		}
		// JSON replaces invalid UTF-8; compare with what was sent.
		var sent v2api.Event
		if json.Unmarshal(body, &sent) != nil {
			t.Fatal("cannot read back")
		}
		top, child, prev = sent.Node.Key, sent.Node.Nodes[0].Key, sent.PrevNode.Key
		res, err := Answer(root, &backend.Response{Status: http.StatusOK, Header: http.Header{}, Body: body})
		if root == "/" {
			// A jail at the root confines no key: answers pass as they are.
			if err != nil || string(res.Body) != string(body) {
				t.Fatalf("Answer(/) changed the answer: %v", err)
			}
			return
		}
		_, topOK := Relative(root, top)
		_, prevOK := Relative(root, prev)
		if err != nil {
			if !errors.Is(err, ErrLeak) || (topOK && prevOK) {
				t.Fatalf("Answer(%q; %q %q %q): %v", root, top, child, prev, err)
			}
			return
		}
		if !topOK || !prevOK {
			t.Fatalf("Answer(%q) showed an answer with %q, %q", root, top, prev)
		}
		var got v2api.Event
		if err := json.Unmarshal(res.Body, &got); err != nil {
			t.Fatal(err)
		}
		inside := map[string]bool{}
		for _, k := range []string{top, child, prev} {
			if k == "" {
				k = "/"
			}
			inside[k] = true
		}
		var check func(n *v2api.Node)
		check = func(n *v2api.Node) {
			if n.Key == "" {
				return // the root, or an ancestor of it
			}
			// Not Join: the server may hold keys Join refuses (NUL).
			full := root + n.Key
			if !inside[full] || full == root {
				t.Fatalf("Answer(%q; %q %q %q) shows %q (= %q), not a key of the answer inside the jail",
					root, top, child, prev, n.Key, full)
			}
			for _, c := range n.Nodes {
				check(c)
			}
		}
		check(got.Node)
		check(got.PrevNode)
	})
}
