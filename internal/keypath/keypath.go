// Package keypath normalizes etcd keys the way lua-etcd (and lua-path's
// normalize) does: as an absolute, clean slash-separated path.
package keypath

import (
	"path"
	"strings"
)

// Normalize joins parts with "/" and cleans the result into an absolute
// path: repeated slashes collapse, "." segments go, ".." removes the segment
// before it and stops at the root, and a trailing slash is dropped. The
// result always starts with "/"; "" normalizes to "/".
//
//	Normalize("//a/./b/../c/") == "/a/c"
//	Normalize("a", "b")        == "/a/b"
//	Normalize("../..")         == "/"
func Normalize(parts ...string) string {
	var s string
	if len(parts) == 1 {
		s = parts[0]
		if isClean(s) {
			return s // the common case, without allocating
		}
	} else {
		s = strings.Join(parts, "/")
	}
	return path.Clean("/" + s)
}

// isClean reports whether s is already what Normalize would return: "/",
// or "/" followed by non-empty segments none of which is "." or "..".
func isClean(s string) bool {
	if s == "/" {
		return true
	}
	if len(s) < 2 || s[0] != '/' || s[len(s)-1] == '/' {
		return false
	}
	start := 1
	for i := 1; i <= len(s); i++ {
		if i < len(s) && s[i] != '/' {
			continue
		}
		switch seg := s[start:i]; seg {
		case "", ".", "..":
			return false
		}
		start = i + 1
	}
	return true
}
