package luaetcd

import (
	"reflect"
	"testing"
)

// The v3 backend takes user:password@ of a host URL as its v3 user, as
// the v2 backend sends it as basic auth, and never dials it in the URL.
func TestSplitUserinfo(t *testing.T) {
	eps, user, pw := splitUserinfo([]string{"http://u:p%40ss@a:1", "https://b:2", "http://other:x@c:3"})
	if !reflect.DeepEqual(eps, []string{"http://a:1", "https://b:2", "http://c:3"}) || user != "u" || pw != "p@ss" {
		t.Fatalf("%q %q %q", eps, user, pw)
	}
	eps, user, _ = splitUserinfo([]string{"http://a:1"})
	if len(eps) != 1 || eps[0] != "http://a:1" || user != "" {
		t.Fatalf("%q %q", eps, user)
	}
}

func TestUsableURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://a:1": true, "https://u:p@b:2/": true, "ftp://h:1": false, "127.0.0.1:4001": false,
		"not a url": false, "http://": false, "http://a:1?x": false, "http://a:1#f": false,
	} {
		if usableURL(raw) != want {
			t.Errorf("usableURL(%q) = %v", raw, !want)
		}
	}
}
