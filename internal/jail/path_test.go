package jail

import (
	"errors"
	"path"
	"strings"
	"testing"
)

func TestJoin(t *testing.T) {
	for _, c := range []struct{ root, key, want string }{
		{"/tenant/a", "/x", "/tenant/a/x"},
		{"/tenant/a", "/", "/tenant/a"},
		{"/tenant/a", "", "/tenant/a"},
		{"/tenant/a", "../../x", "/tenant/a/x"},
		{"/tenant/a", "/../b/x", "/tenant/a/b/x"},
		{"/tenant/a", "/a/../../..", "/tenant/a"},
		{"/tenant/a", "//x//y/", "/tenant/a/x/y"},
		{"/tenant/a", "./x/.", "/tenant/a/x"},
		// Not URL-decoded: a literal key name, escaped on the wire.
		{"/tenant/a", "/%2e%2e/x", "/tenant/a/%2e%2e/x"},
		{"/tenant/a", "/..%2f..", "/tenant/a/..%2f.."},
		{"/tenant/a", `\..\x`, `/tenant/a/\..\x`},
		{"/", "/../x", "/x"},
		{"/", "/", "/"},
	} {
		got, err := Join(c.root, c.key)
		if err != nil || got != c.want {
			t.Errorf("Join(%q, %q) = %q, %v; want %q", c.root, c.key, got, err, c.want)
		}
	}
	if _, err := Join("/tenant/a", "/x\x00/../../y"); !errors.Is(err, ErrNUL) {
		t.Errorf("Join with NUL: err = %v, want ErrNUL", err)
	}
	long := strings.Repeat("../", 1<<16) + strings.Repeat("k", 1<<20)
	if got, _ := Join("/tenant/a", long); got != "/tenant/a/"+strings.Repeat("k", 1<<20) {
		t.Errorf("Join of a long key escaped or changed: %.40q...", got)
	}
}

func TestCleanRoot(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "/": "/", "tenant/a": "/tenant/a", "/tenant/a/": "/tenant/a", "/tenant/../a": "/a", "//t//a//": "/t/a",
	} {
		if got := CleanRoot(in); got != want {
			t.Errorf("CleanRoot(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRelative(t *testing.T) {
	for _, c := range []struct {
		root, key, want string
		ok              bool
	}{
		{"/tenant/a", "/tenant/a", "/", true},
		{"/tenant/a", "/tenant/a/x/y", "/x/y", true},
		{"/tenant/a", "/tenant", "/", true}, // a missing or deleted ancestor
		{"/tenant/a", "/", "/", true},
		{"/tenant/a", "", "/", true},
		{"/tenant/a", "/tenant/ab", "", false}, // a sibling sharing the prefix
		{"/tenant/a", "/tenant/b/x", "", false},
		{"/tenant/a", "/tenant/", "", false},
		{"/tenant/a", "/x", "", false},
		{"/", "/x", "/x", true},
	} {
		got, ok := Relative(c.root, c.key)
		if got != c.want || ok != c.ok {
			t.Errorf("Relative(%q, %q) = %q, %v; want %q, %v", c.root, c.key, got, ok, c.want, c.ok)
		}
	}
}

// FuzzJoin checks that no key and no root lead out of the jail: the
// joined key is the root or below it, clean (no "..", "." or empty
// segment the server could interpret), and Relative shows the script the
// key it asked for. It also checks that Relative never shows a key that
// Join would map to a different node.
func FuzzJoin(f *testing.F) {
	for _, s := range [][2]string{
		{"/tenant/a", "../../x"}, {"/tenant/a", "%2e%2e/%2E%2E"}, {"tenant/a/", "//x//"},
		{"/", "/.."}, {"/t", "/t/../../t2"}, {"", ""}, {"/a/b", "/a\x00b"}, {"/ü/..", "ü/../.."},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, root, key string) {
		r := CleanRoot(root)
		if path.Clean(r) != r || !strings.HasPrefix(r, "/") {
			t.Fatalf("CleanRoot(%q) = %q: not clean", root, r)
		}
		k, err := Join(r, key)
		if strings.IndexByte(key, 0) >= 0 {
			if !errors.Is(err, ErrNUL) {
				t.Fatalf("Join(%q, %q) with NUL: err = %v", r, key, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Join(%q, %q): %v", r, key, err)
		}
		if r != "/" && k != r && !strings.HasPrefix(k, r+"/") {
			t.Fatalf("Join(%q, %q) = %q: outside the jail", r, key, k)
		}
		if path.Clean(k) != k {
			t.Fatalf("Join(%q, %q) = %q: not clean", r, key, k)
		}
		rel, ok := Relative(r, k)
		if want := path.Clean("/" + key); !ok || rel != want {
			t.Fatalf("Relative(%q, Join(...) = %q) = %q, %v; want %q", r, k, rel, ok, want)
		}
		// Any key the server might answer with: shown only if inside or
		// an ancestor, and then naming that same node (or the root).
		if rel, ok := Relative(r, key); ok && rel != "/" {
			if back, _ := Join(r, rel); back != key {
				t.Fatalf("Relative(%q, %q) = %q, but that joins to %q", r, key, rel, back)
			}
		}
	})
}
