package v3backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// watch answers Watch with exactly one v2 event: the first change of the
// key (Recursive: of the key or anything below its prefix, hidden parts
// left out) at or after WaitIndex, or after now without one. It is a v3
// watch from that revision with the previous values, so an event comes
// with its prevNode, and a WaitIndex older than the compacted revision
// gives v2's 401 "event index cleared" answer. The X-Etcd-Index header is,
// as in v2, the current index when the watch started.
func (b *Backend) watch(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	key := op.Key
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	// The range holds more than the key (e.g. "/a!" between "/a" and
	// "/a/"); match drops what does not belong.
	start, end := key, key+"/\x00"
	if op.Recursive {
		end = prefixEnd(dirPrefix(key))
	}
	if key == "/" {
		end = prefixEnd("/")
	}
	opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithPrevKV(), clientv3.WithCreatedNotify()}
	if op.HasWaitIndex && op.WaitIndex > 0 {
		opts = append(opts, clientv3.WithRev(int64(op.WaitIndex)))
	}
	// A member that does not confirm the watch within the stall bound is
	// silent (silent.go): the watch is made again on another member.
	w, _ := ctx.Value(callKey{}).(*callWatch)
	var stallC <-chan time.Time
	var tgt *rpcTarget
	stopAttempt := func() {}
	open := func() clientv3.WatchChan {
		tgt = &rpcTarget{}
		actx, acancel := context.WithCancel(context.WithValue(wctx, targetKey{}, tgt))
		stopAttempt = acancel
		wch := b.cli.Watch(actx, start, opts...)
		if w != nil && w.stall > 0 {
			t := time.NewTimer(w.stall)
			stallC = t.C
			go func() { <-actx.Done(); t.Stop() }()
		}
		return wch
	}
	wch := open()
	var startRev int64
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-stallC:
			stallC = nil
			u := b.sh.health.urlOf(tgt.get())
			if u == "" || !b.sh.health.healthyOthers(u) {
				continue
			}
			note := fmt.Sprintf("%s: watch not confirmed within %v", u, w.stall)
			w.note(note, false)
			b.sh.health.markIfSilent(u, note)
			stopAttempt()
			wch = open()
		case wr, ok := <-wch:
			if !ok {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				return nil, errors.New("v3 backend: watch ended without an event")
			}
			if wr.CompactRevision != 0 {
				cur := wr.Header.Revision
				if cur == 0 {
					cur, _ = b.currentRev(ctx)
				}
				cause := fmt.Sprintf("the requested history has been cleared [%d/%d]", wr.CompactRevision, op.WaitIndex)
				return errorResp(v2api.EcodeEventIndexCleared, cause, cur), nil
			}
			if err := wr.Err(); err != nil {
				return nil, err
			}
			if wr.Created {
				stallC = nil
				startRev = wr.Header.Revision
				continue
			}
			if ev := pick(key, op.Recursive, wr.Events); ev != nil {
				if startRev == 0 {
					startRev = wr.Header.Revision
				}
				return eventResp(http.StatusOK, b.v2Event(ctx, ev), startRev), nil
			}
		}
	}
}

// match reports whether a v3 event's key belongs to the watch.
func match(watched string, recursive bool, k string) bool {
	if k == watched {
		return true
	}
	if !recursive || !strings.HasPrefix(k, dirPrefix(watched)) {
		return false
	}
	return !hiddenBelow(watched, k)
}

// pick returns the event of the first revision in evs that concerns the
// watch, chosen as the one v2 would report for that revision's write:
// one write here may change several v3 keys at one revision (a key and
// the markers of its new parents; a directory and everything below it).
//  1. a removed marker: the directory removed (the outermost);
//  2. a marker put again: the directory's TTL changed (the outermost);
//  3. a file: the file written or removed;
//  4. only new markers: the directory made (the innermost, mkdir -p).
func pick(watched string, recursive bool, evs []*clientv3.Event) *clientv3.Event {
	for i := 0; i < len(evs); {
		rev := evs[i].Kv.ModRevision
		var group []*clientv3.Event
		for ; i < len(evs) && evs[i].Kv.ModRevision == rev; i++ {
			if k, _ := v2Key(evs[i].Kv); match(watched, recursive, k) {
				group = append(group, evs[i])
			}
		}
		if len(group) == 0 {
			continue
		}
		var removed, reput, file, made *clientv3.Event
		for _, e := range group {
			_, dir := v2Key(e.Kv)
			switch {
			case dir && e.Type == clientv3.EventTypeDelete:
				if removed == nil || len(e.Kv.Key) < len(removed.Kv.Key) {
					removed = e
				}
			case dir && e.PrevKv != nil:
				if reput == nil || len(e.Kv.Key) < len(reput.Kv.Key) {
					reput = e
				}
			case dir:
				if made == nil || len(e.Kv.Key) > len(made.Kv.Key) {
					made = e
				}
			case file == nil:
				file = e
			}
		}
		if file != nil && made != nil && file.Type == clientv3.EventTypeDelete {
			if k, _ := v2Key(made.Kv); k == string(file.Kv.Key) {
				// mkdir over a file replaced it: the directory
				// made, with the file as prevNode.
				e := *made
				e.PrevKv = file.PrevKv
				return &e
			}
		}
		for _, e := range []*clientv3.Event{removed, reput, file, made} {
			if e != nil {
				return e
			}
		}
	}
	return nil
}

// v2Event turns a v3 event into v2's. A put is "set" (v3 does not record
// whether it was a set, create, update or swap), "update" for a
// directory's TTL change; a removal is "delete", or "expire" when the
// key's lease is gone (this backend keeps the lease of a key deleted on
// purpose alive for a grace period, see ttl.go).
func (b *Backend) v2Event(ctx context.Context, e *clientv3.Event) *v2api.Event {
	t := b.newTTLs()
	key, dir := v2Key(e.Kv)
	prevNode := func() *v2api.Node {
		if e.PrevKv == nil {
			return nil
		}
		if _, prevDir := v2Key(e.PrevKv); prevDir {
			return t.dirNode(ctx, key, e.PrevKv, nil)
		}
		n := t.fileNode(ctx, e.PrevKv)
		n.Key = key
		return n
	}
	ev := &v2api.Event{}
	if e.Type == clientv3.EventTypePut {
		ev.Action = v2api.ActionSet
		if dir {
			ev.Node = t.dirNode(ctx, key, e.Kv, nil)
			if e.PrevKv != nil && string(e.PrevKv.Key) == string(e.Kv.Key) {
				ev.Action = v2api.ActionUpdate
			}
		} else {
			ev.Node = t.fileNode(ctx, e.Kv)
		}
		ev.PrevNode = prevNode()
		return ev
	}
	ev.Action = v2api.ActionDelete
	ev.Node = &v2api.Node{Key: key, Dir: dir, ModifiedIndex: uint64(e.Kv.ModRevision)}
	if e.PrevKv != nil {
		ev.Node.CreatedIndex = uint64(e.PrevKv.CreateRevision)
		if e.PrevKv.Lease != 0 && b.leaseGone(ctx, e.PrevKv) {
			ev.Action = v2api.ActionExpire
		}
	}
	ev.PrevNode = prevNode()
	return ev
}

// leaseGone reports whether kv's lease no longer exists.
func (b *Backend) leaseGone(ctx context.Context, kv *mvccpb.KeyValue) bool {
	r, err := b.cli.TimeToLive(ctx, clientv3.LeaseID(kv.Lease))
	return err == nil && r.TTL < 0
}
