package keypath

import "testing"

func TestNormalize(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{""}, "/"},
		{[]string{"/"}, "/"},
		{[]string{"//a/./b/../c/"}, "/a/c"},
		{[]string{"a"}, "/a"},
		{[]string{"a", "b"}, "/a/b"},
		{[]string{"/a/", "/b/"}, "/a/b"},
		{[]string{"../.."}, "/"},
		{[]string{"/a/../../b"}, "/b"},
		{[]string{"..."}, "/..."},
		{[]string{"/a/.b/..c"}, "/a/.b/..c"},
		{[]string{"a b/ü/%41"}, "/a b/ü/%41"},
		{[]string{"/a/b"}, "/a/b"},
		{[]string{}, "/"},
		{[]string{"", ""}, "/"},
		{[]string{"a", ".."}, "/"},
	} {
		if got := Normalize(c.in...); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIsClean(t *testing.T) {
	for s, want := range map[string]bool{
		"/": true, "/a": true, "/a/b": true, "/...": true, "/.a": true,
		"": false, "a": false, "/a/": false, "//": false, "/a//b": false,
		"/.": false, "/..": false, "/a/./b": false, "/a/../b": false,
	} {
		if got := isClean(s); got != want {
			t.Errorf("isClean(%q) = %v, want %v", s, got, want)
		}
	}
}

func BenchmarkNormalizeClean(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Normalize("/app/config/key")
	}
}
