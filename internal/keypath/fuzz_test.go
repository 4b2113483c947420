package keypath

import (
	"path"
	"strings"
	"testing"
)

// checkNormal fails unless n is what Normalize may return: absolute, no
// empty, "." or ".." segment, no trailing slash (except "/" itself).
func checkNormal(t *testing.T, in, n string) {
	t.Helper()
	if !strings.HasPrefix(n, "/") {
		t.Fatalf("Normalize(%q) = %q: not absolute", in, n)
	}
	if strings.Contains(n, "//") {
		t.Fatalf("Normalize(%q) = %q: has //", in, n)
	}
	if n != "/" && strings.HasSuffix(n, "/") {
		t.Fatalf("Normalize(%q) = %q: trailing slash", in, n)
	}
	for _, seg := range strings.Split(n[1:], "/") {
		if seg == "." || seg == ".." {
			t.Fatalf("Normalize(%q) = %q: has a %q segment", in, n, seg)
		}
	}
	if !isClean(n) {
		t.Fatalf("isClean(Normalize(%q) = %q) is false", in, n)
	}
}

// FuzzNormalize checks Normalize against path.Clean's semantics (a
// rooted Clean), that it is idempotent, that its result is always a clean
// absolute path, and that the allocation-free fast path (isClean) agrees
// with Clean.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "/", "//a/./b/../c/", "../..", "a/b", "/a/b", "/...", "/a/.b/..c/", "ü/ %41/?#", "/./", "\x00/\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		checkNormal(t, s, n)
		if want := path.Clean("/" + s); n != want {
			t.Fatalf("Normalize(%q) = %q, path.Clean says %q", s, n, want)
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("not idempotent: Normalize(%q) = %q, Normalize(%q) = %q", s, n, n, n2)
		}
		if isClean(s) != (s == n) {
			t.Fatalf("isClean(%q) = %v, but Normalize gives %q", s, isClean(s), n)
		}
		// ".." never climbs above the root: the result is the same below
		// any prefix, so a prefix cannot be escaped.
		want := "/prefix" + n
		if n == "/" {
			want = "/prefix"
		}
		if p := Normalize("/prefix" + n); p != want {
			t.Fatalf("Normalize(/prefix + %q) = %q", n, p)
		}
	})
}

// FuzzNormalizeParts checks that parts are joined with "/" before
// cleaning.
func FuzzNormalizeParts(f *testing.F) {
	f.Add("a", "b")
	f.Add("/a/", "/../b/")
	f.Add("", "")
	f.Add("..", "..")
	f.Fuzz(func(t *testing.T, a, b string) {
		n := Normalize(a, b)
		checkNormal(t, a+"|"+b, n)
		if want := Normalize(a + "/" + b); n != want {
			t.Fatalf("Normalize(%q, %q) = %q, Normalize of the join = %q", a, b, n, want)
		}
	})
}
