package v3backend

import (
	"strings"

	"go.etcd.io/etcd/api/v3/mvccpb"
)

// The key layout (docs/v3-backend.md): the v2 key "/a/b" is the v3 key
// "/a/b", holding the value as written. A directory "/a" is implied by
// any key below "/a/", and marked explicitly by the key "/a/" with an
// empty value, which every write through this backend makes for each
// directory it creates (mkdir, or the parents of a key), so that an empty
// directory exists and a directory keeps its v2 indices.

// dirPrefix is the v3 prefix of everything below the v2 directory key:
// "/a" → "/a/", and the root "/" → "/".
func dirPrefix(key string) string {
	if key == "/" {
		return "/"
	}
	return key + "/"
}

// prefixEnd is the end of the v3 range of keys starting with p.
func prefixEnd(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return "\x00"
}

// ancestors lists the v2 directories above key, outermost first, without
// the root: "/a/b/c" → ["/a", "/a/b"].
func ancestors(key string) []string {
	var out []string
	for i := 1; i < len(key); i++ {
		if key[i] == '/' {
			out = append(out, key[:i])
		}
	}
	return out
}

// isMarker reports whether a v3 key is a directory marker, and returns
// the directory's v2 key.
func isMarker(k string) (string, bool) {
	if len(k) > 1 && strings.HasSuffix(k, "/") {
		return k[:len(k)-1], true
	}
	return "", false
}

// hiddenBelow reports whether the v2 key k lies in a hidden part of the
// tree seen from dir: some path segment after dir starts with "_" (v2
// leaves such nodes out of listings and recursive watches).
func hiddenBelow(dir, k string) bool {
	rel := strings.TrimPrefix(k, dirPrefix(dir))
	for _, seg := range strings.Split(rel, "/") {
		if strings.HasPrefix(seg, "_") {
			return true
		}
	}
	return false
}

// v2Key is the v2 key a v3 key stands for: the file itself, or the
// directory of a marker.
func v2Key(kv *mvccpb.KeyValue) (key string, dir bool) {
	k := string(kv.Key)
	if d, ok := isMarker(k); ok {
		return d, true
	}
	return k, false
}
