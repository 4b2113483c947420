package compat

import "testing"

func TestRemoveDotSegments(t *testing.T) {
	for in, want := range map[string]string{
		"/a/b/../c":      "/a/c",
		"/a/./b":         "/a/b",
		"/a//b/../c":     "/a//c",
		"/../a":          "/a",
		"/a/b/..":        "/a/",
		"/a/b/.":         "/a/b/",
		"a/../../b":      "../b",
		"http://h/x/../": "http://h/",
	} {
		if got := removeDotSegments(in); got != want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseURLParts(t *testing.T) {
	parts := urlParts{}
	parseURL("https://u:p@[::1]:2379/v2/keys;x?q#f", parts)
	want := urlParts{"scheme": "https", "authority": "u:p@[::1]:2379", "userinfo": "u:p", "user": "u", "password": "p",
		"host": "::1", "port": "2379", "path": "/v2/keys", "params": "x", "query": "q", "fragment": "f"}
	for k, v := range want {
		if parts[k] != v {
			t.Errorf("%s = %q, want %q", k, parts[k], v)
		}
	}
	if len(parts) != len(want) {
		t.Errorf("parts %v", parts)
	}
}

func TestURLEscape(t *testing.T) {
	if got := escapeBytes("a b/é", "", false); got != "a%20b%2f%c3%a9" {
		t.Errorf("escape: %q", got)
	}
	if got := unescapeString("a%20b%2F%zz%4"); got != "a b/%zz%4" {
		t.Errorf("unescape: %q", got)
	}
}
