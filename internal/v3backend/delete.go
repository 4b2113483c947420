package v3backend

import (
	"context"
	"net/http"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// del answers Delete and CompareAndDelete, deciding as v2 does on one
// read and committing in one transaction guarded by it. A directory is
// removed with everything below its prefix ("/foo/", never "/foobar").
// The parent directories stay, as in v2: a parent without a marker gets
// one in the same transaction.
func (b *Backend) del(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	if op.Key == "/" {
		return b.rootReadOnly(ctx)
	}
	kind := op.Kind
	if kind == backend.CompareAndDelete {
		if op.HasPrevValue && op.PrevValue == "" {
			return prevValueRequired(), nil
		}
		if !op.HasPrevValue && (!op.HasPrevIndex || op.PrevIndex == 0) {
			kind = backend.Delete
		}
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		s, err := b.read(ctx, op.Key, readOpts{oldest: true})
		if err != nil {
			return nil, err
		}
		if a := s.fileAncestor(); a != "" {
			return errorResp(v2api.EcodeNotDir, a, s.rev), nil
		}
		isFile, isDir := s.file != nil, s.isDir()
		if !isFile && !isDir {
			return b.notFound(ctx, s)
		}
		action := v2api.ActionDelete
		if kind == backend.CompareAndDelete {
			if !isFile {
				return errorResp(v2api.EcodeNotFile, op.Key, s.rev), nil
			}
			if cause := compareFailure(op, s.file); cause != "" {
				return errorResp(v2api.EcodeTestFailed, cause, s.rev), nil
			}
			action = v2api.ActionCompareAndDelete
		} else if !isFile {
			if !op.Dir && !op.Recursive {
				return errorResp(v2api.EcodeNotFile, op.Key, s.rev), nil
			}
			if !op.Recursive && s.hasChildren() {
				return errorResp(v2api.EcodeDirNotEmpty, op.Key, s.rev), nil
			}
		}
		g := &guard{}
		g.parents(s)
		marker := s.marker()
		if isFile {
			g.keyUnchanged(op.Key, s.file)
			g.ops = append(g.ops, clientv3.OpDelete(op.Key, clientv3.WithPrevKV()))
		} else {
			g.keyUnchanged(dirPrefix(op.Key), marker)
			if !op.Recursive {
				g.noChildren(op.Key)
			}
			g.ops = append(g.ops, clientv3.OpDelete(dirPrefix(op.Key), clientv3.WithPrefix(), clientv3.WithPrevKV()))
		}
		r, err := g.commit(ctx, b)
		if err != nil {
			return nil, err
		}
		if !r.Succeeded {
			continue
		}
		rev := r.Header.Revision
		var gone []*mvccpb.KeyValue
		for _, ro := range r.Responses {
			if d := ro.GetResponseDeleteRange(); d != nil {
				gone = append(gone, d.PrevKvs...)
			}
		}
		t := b.newTTLs()
		ev := &v2api.Event{Action: action}
		if isFile {
			ev.Node = &v2api.Node{Key: op.Key, ModifiedIndex: uint64(rev), CreatedIndex: uint64(s.file.CreateRevision)}
			ev.PrevNode = t.fileNode(ctx, s.file)
		} else {
			ev.PrevNode = t.dirNode(ctx, op.Key, marker, s.oldest)
			ev.Node = &v2api.Node{Key: op.Key, Dir: true, ModifiedIndex: uint64(rev), CreatedIndex: ev.PrevNode.CreatedIndex}
		}
		b.released(ctx, gone, 0, true)
		return eventResp(http.StatusOK, ev, rev), nil
	}
	return nil, errContention
}
