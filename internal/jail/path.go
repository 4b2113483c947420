package jail

import (
	"errors"
	"path"
	"strings"
)

// ErrNUL is returned for a key that holds a NUL byte. etcd's v2 API
// stores such keys, but other layers (the v3 key encoding, C tools that
// read the cluster) treat NUL as an end of string, so a jailed script may
// not create them.
var ErrNUL = errors.New("jail: key contains a NUL byte")

// CleanRoot returns root as the jail's canonical root: an absolute, clean
// path without trailing slash ("/" for the whole key space).
func CleanRoot(root string) string {
	return path.Clean("/" + root)
}

// Join maps a script's key into the jail below root (a CleanRoot result).
// The key is first cleaned as an absolute path, so ".." segments stop at
// the jail's root and "//" collapses; then root is put in front. The
// result is root itself or a key below it, whatever key is. Keys are not
// URL-decoded: "%2e%2e" is a key name of six bytes, and the backends
// escape it on the wire.
func Join(root, key string) (string, error) {
	if strings.IndexByte(key, 0) >= 0 {
		return "", ErrNUL
	}
	k := path.Clean("/" + key)
	switch {
	case root == "/":
		return k, nil
	case k == "/":
		return root, nil
	}
	return root + k, nil
}

// Relative maps a key the server answered with back into the script's
// view: root itself, and every ancestor of root (etcd names the deepest
// missing or deleted directory on the way), appear as "/"; a key below
// root loses the root in front. ok is false for any other key: it lies
// outside the jail and must not be shown. So is a key that is not a clean
// absolute path (etcd's v2 store never answers with one): it might read
// as a path inside while it names a node elsewhere.
func Relative(root, key string) (rel string, ok bool) {
	if key == "" {
		key = "/" // etcd's own root node has no key
	}
	switch {
	case path.Clean(key) != key || key[0] != '/':
		return "", false
	case root == "/":
		return key, true
	case key == root:
		return "/", true
	case strings.HasPrefix(key, root) && key[len(root)] == '/':
		return key[len(root):], true
	case key == "/" || (strings.HasPrefix(root, key) && root[len(key)] == '/'):
		return "/", true
	}
	return "", false
}
