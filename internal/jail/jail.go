// Package jail confines a backend to one subtree of etcd's key space. It
// is a decorator of backend.Backend, so it holds below the Lua layer and
// for every backend: whatever key, prefix, ".." or "%2e%2e" a script
// uses, the operation that reaches the backend names a key below the
// jail's root, and the answer it gets back names no key outside it.
//
// What a jailed script sees:
//   - its key space is the jail's subtree: the root of the jail is "/",
//     and keys in answers (node.key, the nodes of a listing, prevNode,
//     the cause of an error) are shown relative to it;
//   - the jail's root itself is read only, as etcd's root is: deleting it
//     or writing it is answered 403 with errorCode 107;
//   - keys with a NUL byte are refused;
//   - the operations that read or change the cluster rather than the key
//     space (statistics, which name the members and the leader, the 0.4
//     admin config and machines, member removal) fail with ErrRefused;
//     version stays, as it says nothing about the cluster's layout.
//
// What the jail does not hide: the cluster-wide index (X-Etcd-Index,
// modifiedIndex, createdIndex grow with every write anywhere in the
// cluster, so a script can count other tenants' writes), the cluster ID
// header, and the jail's own root and the endpoint in the text of a
// transport error.
package jail

import (
	"context"
	"errors"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// ErrRefused is wrapped by the error a jailed backend returns for an
// operation on the cluster rather than on the key space.
var ErrRefused = errors.New("not allowed in a key jail")

// ErrLeak is wrapped by the error returned when the server's answer names
// a key outside the jail where a key inside was expected. A correct
// server never does; the answer is withheld rather than shown.
var ErrLeak = errors.New("jail: the answer names a key outside the jail")

// Wrap returns a backend that carries out every operation of be inside
// the subtree root (cleaned as an absolute path; "/" confines nothing but
// still refuses the cluster operations).
func Wrap(be backend.Backend, root string) backend.Backend {
	return &jailed{be: be, root: CleanRoot(root)}
}

type jailed struct {
	be   backend.Backend
	root string
}

// Do maps op's key into the jail, refuses what is not on the key space,
// and rewrites the answer's keys into the jail's view.
func (j *jailed) Do(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	switch {
	case op.Kind == backend.Version:
		return j.be.Do(ctx, op)
	case !op.Kind.OnKeys():
		return nil, ErrRefused
	}
	key, err := Join(j.root, op.Key)
	if err != nil {
		return nil, err
	}
	if key == j.root && writesNode(op.Kind) {
		return ReadOnlyRoot(), nil
	}
	inner := *op
	inner.Key = key
	res, err := j.be.Do(ctx, &inner)
	if err != nil {
		return nil, err
	}
	return Answer(j.root, res)
}

// InitFailover is the backend's: the member lookup is done by the host's
// code, and the script only learns whether it worked.
func (j *jailed) InitFailover(ctx context.Context) error {
	return j.be.InitFailover(ctx)
}

// writesNode reports whether an operation of kind k changes or removes
// the node its key names (CreateInOrder makes a child, so it is not one).
func writesNode(k backend.Kind) bool {
	switch k {
	case backend.Get, backend.Watch, backend.CreateInOrder:
		return false
	}
	return true
}

// ReadOnlyRoot is etcd's answer to a write of its root, given for a write
// of the jail's root: the script's "/" behaves as a real root does.
func ReadOnlyRoot() *backend.Response {
	e := v2api.NewError(v2api.EcodeRootROnly, "/", 0)
	return &backend.Response{Status: e.Status(), Header: v2api.Header(0), Body: v2api.Marshal(e)}
}
