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
	} else {
		s = strings.Join(parts, "/")
	}
	return path.Clean("/" + s)
}
