package v3backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// The server-level operations, mapped onto what v3 offers: the /version
// endpoint (every etcd serves it on the client URL), the member list and
// the maintenance status. What v3 has no source for is answered as a
// modern v2 server answers an unknown path (404 "404 page not found"),
// never with made-up numbers.

// version answers Version from GET /version of the first endpoint that
// answers, as it is; without one, from the maintenance status (which
// knows only the server's version).
func (b *Backend) version(ctx context.Context) (*backend.Response, error) {
	var lastErr error
	w, _ := ctx.Value(callKey{}).(*callWatch)
	eps := b.cli.Endpoints() // without the suspect members (silent.go)
	for i, ep := range eps {
		// A silent member is left after the stall bound while another
		// is left to ask.
		actx, cancel := ctx, context.CancelFunc(func() {})
		if w != nil && w.stall > 0 && i < len(eps)-1 {
			actx, cancel = context.WithTimeout(ctx, w.stall)
		}
		req, err := http.NewRequestWithContext(actx, http.MethodGet, ep+"/version", nil)
		if err != nil {
			cancel()
			lastErr = err
			continue
		}
		res, err := b.sh.http.Do(req)
		if err != nil {
			if actx.Err() != nil && ctx.Err() == nil {
				note := fmt.Sprintf("%s: no answer within %v", ep, w.stall)
				w.note(note, false)
				b.sh.health.markIfSilent(ep, note)
			}
			cancel()
			lastErr = err
			continue
		}
		body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		cancel()
		if err != nil {
			lastErr = err
			continue
		}
		h := http.Header{}
		if ct := res.Header.Get("Content-Type"); ct != "" {
			h.Set("Content-Type", ct)
		}
		return &backend.Response{Status: res.StatusCode, Header: h, Body: body}, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	st, err := b.status(ctx)
	if err != nil {
		return nil, fmt.Errorf("%v; %w", lastErr, err)
	}
	return jsonResp(http.StatusOK, map[string]string{"etcdserver": st.Version}), nil
}

// status asks the endpoints in turn for their maintenance status.
func (b *Backend) status(ctx context.Context) (*clientv3.StatusResponse, error) {
	var lastErr error = errors.New("no endpoints")
	for _, ep := range b.cli.Endpoints() {
		st, err := b.cli.Status(ctx, ep)
		if err == nil {
			return st, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func hexID(id uint64) string { return strconv.FormatUint(id, 16) }

// statsSelf answers StatsSelf with what v3 knows of the member that
// answered: its name, id, raft state and leader. v2's start times, uptime
// and append counters have no v3 source and are left out.
func (b *Backend) statsSelf(ctx context.Context) (*backend.Response, error) {
	st, err := b.status(ctx)
	if err != nil {
		return nil, err
	}
	ml, err := b.cli.MemberList(ctx)
	if err != nil {
		return nil, err
	}
	self := st.Header.MemberId
	state := "StateFollower"
	if self == st.Leader {
		state = "StateLeader"
	}
	var name string
	for _, m := range ml.Members {
		if m.ID == self {
			name = m.Name
		}
	}
	type leaderInfo struct {
		Leader string `json:"leader"`
	}
	return jsonResp(http.StatusOK, struct {
		Name       string     `json:"name"`
		ID         string     `json:"id"`
		State      string     `json:"state"`
		LeaderInfo leaderInfo `json:"leaderInfo"`
	}{name, hexID(self), state, leaderInfo{hexID(st.Leader)}}), nil
}

// statsLeader answers StatsLeader as the leader would: its id and its
// followers, each without the latency and counters v2 kept (v3 has no
// source for them).
func (b *Backend) statsLeader(ctx context.Context) (*backend.Response, error) {
	st, err := b.status(ctx)
	if err != nil {
		return nil, err
	}
	ml, err := b.cli.MemberList(ctx)
	if err != nil {
		return nil, err
	}
	followers := map[string]struct{}{}
	for _, m := range ml.Members {
		if m.ID != st.Leader {
			followers[hexID(m.ID)] = struct{}{}
		}
	}
	return jsonResp(http.StatusOK, struct {
		Leader    string              `json:"leader"`
		Followers map[string]struct{} `json:"followers"`
	}{hexID(st.Leader), followers}), nil
}

// noSource is the answer to an operation v3 has no source for (the store
// statistics; etcd 0.4's admin config, which no modern etcd serves).
func noSource() *backend.Response {
	return &backend.Response{Status: http.StatusNotFound,
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, Body: []byte("404 page not found\n")}
}

// machine is a member in etcd 0.4's admin shape.
type machine struct {
	Name      string `json:"name"`
	State     string `json:"state"`
	ClientURL string `json:"clientURL"`
	PeerURL   string `json:"peerURL"`
}

func (b *Backend) members(ctx context.Context) ([]*pb.Member, uint64, error) {
	ml, err := b.cli.MemberList(ctx)
	if err != nil {
		return nil, 0, err
	}
	st, err := b.status(ctx)
	if err != nil {
		return nil, 0, err
	}
	return ml.Members, st.Leader, nil
}

// machines answers Machines: the member list with the leader marked, or
// the member called name (404, errorCode 100, as the v2 backend answers).
func (b *Backend) machines(ctx context.Context, name string) (*backend.Response, error) {
	ms, leader, err := b.members(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]machine, 0, len(ms))
	for _, m := range ms {
		mc := machine{Name: m.Name, State: "follower"}
		if m.ID == leader {
			mc.State = "leader"
		}
		if len(m.ClientURLs) > 0 {
			mc.ClientURL = m.ClientURLs[0]
		}
		if len(m.PeerURLs) > 0 {
			mc.PeerURL = m.PeerURLs[0]
		}
		if name != "" && m.Name == name {
			return jsonResp(http.StatusOK, mc), nil
		}
		out = append(out, mc)
	}
	if name != "" {
		return machineNotFound(name), nil
	}
	return jsonResp(http.StatusOK, out), nil
}

// removeMachine answers RemoveMachine: the member called name is removed
// (204, as DELETE /v2/members/<id> answers), or 404 when there is none.
func (b *Backend) removeMachine(ctx context.Context, name string) (*backend.Response, error) {
	ml, err := b.cli.MemberList(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range ml.Members {
		if m.Name == name && name != "" {
			if _, err := b.cli.MemberRemove(ctx, m.ID); err != nil && !b.removed(ctx, m.ID) {
				return nil, err
			}
			return &backend.Response{Status: http.StatusNoContent, Header: http.Header{}}, nil
		}
	}
	return machineNotFound(name), nil
}

// removed reports whether member id is no longer listed. A member that
// is asked to remove itself stops before it answers ("server stopped"),
// though the removal was committed; the other members tell.
func (b *Backend) removed(ctx context.Context, id uint64) bool {
	for i := 0; i < 20 && ctx.Err() == nil; i++ {
		if ml, err := b.cli.MemberList(ctx); err == nil {
			for _, m := range ml.Members {
				if m.ID == id {
					return false
				}
			}
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

func machineNotFound(name string) *backend.Response {
	return jsonResp(http.StatusNotFound, map[string]any{
		"errorCode": 100, "message": "Key not found", "cause": "/_etcd/machines/" + name, "index": 0,
	})
}

func jsonResp(status int, v any) *backend.Response {
	body, _ := json.Marshal(v)
	return &backend.Response{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}
