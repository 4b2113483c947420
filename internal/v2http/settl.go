package v2http

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// setTTL carries out SetTTL as lua-etcd did, since the v2 API has no
// request that changes only a TTL: it reads the node, then writes it back
// with the new TTL, guarded by the value and index it read, so that a
// concurrent change makes the write fail (412) instead of being undone.
// A directory is written back as a directory. An answer other than 200
// to the read (404 for a missing key, above all) is the answer.
func (c *Client) setTTL(ctx context.Context, op *backend.Op) (*backend.Response, error) {
	path := keysPath(op.Key)
	resp, err := c.doClient(ctx, newCall(op, http.MethodGet, path), true)
	if err != nil || resp.Status != http.StatusOK {
		return resp, err
	}
	var ev v2api.Event
	if json.Unmarshal(resp.Body, &ev) != nil || ev.Node == nil {
		return resp, nil
	}
	var q, f params
	q.add("prevExist", "true")
	if ev.Node.Dir {
		f.add("ttl", ttlValue(op.TTL))
		f.add("dir", "true")
	} else {
		var value string
		if ev.Node.Value != nil {
			value = *ev.Node.Value
		}
		if ev.Node.ModifiedIndex != 0 {
			q.add("prevIndex", formatIndex(ev.Node.ModifiedIndex))
		}
		q.add("prevValue", value)
		f.add("ttl", ttlValue(op.TTL))
		f.add("value", value)
	}
	k := newCall(op, http.MethodPut, path)
	k.query = q.String()
	k.setForm(f.String())
	return c.doClient(ctx, k, false)
}
