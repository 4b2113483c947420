package v3backend

import (
	"context"
	"net/http"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// get answers Get: a file, or a directory with its children (the whole
// subtree when Recursive), always in key order. It reads in one
// linearizable transaction whatever op.Quorum says: v3 reads are
// linearizable by default and this backend never asks for serializable
// ones, so every answer is the cluster's current state.
func (b *Backend) get(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	s, err := b.read(ctx, op.Key, readOpts{subtree: true})
	if err != nil {
		return nil, err
	}
	t := b.newTTLs()
	var n *v2api.Node
	switch {
	case s.file != nil:
		n = t.fileNode(ctx, s.file)
	case s.isDir():
		tr := tree(op.Key, s.below)
		if op.Key == "/" {
			n = &v2api.Node{Dir: true}
		} else {
			n = t.dirNode(ctx, op.Key, tr.marker, tr.oldest)
		}
		n.Nodes = t.nodes(ctx, tr, op.Recursive)
	case s.fileAncestor() != "":
		return errorResp(v2api.EcodeNotDir, s.fileAncestor(), s.rev), nil
	default:
		return b.notFound(ctx, s)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return eventResp(http.StatusOK, &v2api.Event{Action: v2api.ActionGet, Node: n}, s.rev), nil
}
