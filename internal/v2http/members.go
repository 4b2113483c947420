package v2http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// member is one entry of GET /v2/members (etcd 2.x/3.x).
type member struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	PeerURLs   []string `json:"peerURLs"`
	ClientURLs []string `json:"clientURLs"`
}

// adminMachines answers AdminMachines: the etcd 0.4 peer API when it
// exists, else /v2/members translated to the 0.4 shape (GET) or the member
// removed by id (DELETE with a name).
func (c *Client) adminMachines(ctx context.Context, op *backend.Op, method string) (*backend.Response, error) {
	k := machinesCall(op, method)
	var peerResp *backend.Response
	if c.peer != nil {
		resp, err := c.send(ctx, c.peer, k)
		switch {
		case err == nil && resp.Status != http.StatusNotFound:
			return resp, nil // an etcd 0.4 peer answered
		case err == nil:
			peerResp = resp
		case ctx.Err() != nil:
			return nil, err
		default:
			var ae *answerError
			if errors.As(err, &ae) {
				return nil, fmt.Errorf("peer %w", failedAt(c.peer, err))
			}
			// Connection failure to the peer: try the modern API.
		}
	}
	switch {
	case k.method == http.MethodGet:
		return c.membersAsMachines(ctx, op.Name)
	case k.method == http.MethodDelete && op.Name != "":
		return c.removeMember(ctx, op.Name)
	case peerResp != nil:
		return peerResp, nil
	}
	// No peer answer and nothing to translate: let the client URL answer
	// (a modern etcd says 404 or 405).
	m := newCall(op, method, "/v2/members")
	return c.doClient(ctx, m, op.Kind.Idempotent())
}

// fetchMembers reads GET /v2/members. A non-200 answer is returned as the
// Response with nil members.
func (c *Client) fetchMembers(ctx context.Context) ([]member, *backend.Response, error) {
	resp, err := c.doClient(ctx, plainCall(backend.Machines, http.MethodGet, "/v2/members"), true)
	if err != nil {
		return nil, nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, resp, nil
	}
	var body struct {
		Members []member `json:"members"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return nil, nil, fmt.Errorf("bad /v2/members answer: %v", err)
	}
	return body.Members, resp, nil
}

// leaderID asks for the leader's member id: /v2/stats/self's
// leaderInfo.leader, else /v2/members/leader. "" when neither says.
func (c *Client) leaderID(ctx context.Context) string {
	resp, err := c.doClient(ctx, plainCall(backend.Machines, http.MethodGet, "/v2/stats/self"), true)
	if err == nil && resp.Status == http.StatusOK {
		var s struct {
			LeaderInfo struct {
				Leader string `json:"leader"`
			} `json:"leaderInfo"`
		}
		if json.Unmarshal(resp.Body, &s) == nil && s.LeaderInfo.Leader != "" {
			return s.LeaderInfo.Leader
		}
	}
	if ctx.Err() != nil {
		return ""
	}
	resp, err = c.doClient(ctx, plainCall(backend.Machines, http.MethodGet, "/v2/members/leader"), true)
	if err == nil && resp.Status == http.StatusOK {
		var m member
		if json.Unmarshal(resp.Body, &m) == nil {
			return m.ID
		}
	}
	return ""
}

// membersAsMachines answers GET adminMachines([name]) from /v2/members.
func (c *Client) membersAsMachines(ctx context.Context, name string) (*backend.Response, error) {
	members, resp, err := c.fetchMembers(ctx)
	if err != nil || members == nil && resp.Status != http.StatusOK {
		return resp, err
	}
	leader := c.leaderID(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	machines := make([]v2api.Machine, 0, len(members))
	for _, m := range members {
		mc := v2api.Machine{Name: m.Name, State: v2api.StateFollower}
		if m.ID != "" && m.ID == leader {
			mc.State = v2api.StateLeader
		}
		if len(m.ClientURLs) > 0 {
			mc.ClientURL = m.ClientURLs[0]
		}
		if len(m.PeerURLs) > 0 {
			mc.PeerURL = m.PeerURLs[0]
		}
		machines = append(machines, mc)
	}
	if name == "" {
		return synthesized(resp, http.StatusOK, machines), nil
	}
	if mc := v2api.FindMachine(machines, name); mc != nil {
		return synthesized(resp, http.StatusOK, mc), nil
	}
	e := v2api.MachineNotFound(name)
	return synthesized(resp, e.Status(), e), nil
}

// synthesized builds a JSON Response answering for the server whose
// answer from was translated: its cluster id and date go with it.
func synthesized(from *backend.Response, status int, v any) *backend.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	if from != nil {
		for _, k := range []string{"X-Etcd-Cluster-Id", "Date"} {
			if vs := from.Header.Values(k); len(vs) > 0 {
				h[k] = vs
			}
		}
	}
	return &backend.Response{Status: status, Header: h, Body: v2api.Marshal(v)}
}

// removeMember answers DELETE adminMachines(name) on a modern cluster:
// DELETE /v2/members/<id> of the member with that name.
func (c *Client) removeMember(ctx context.Context, name string) (*backend.Response, error) {
	members, resp, err := c.fetchMembers(ctx)
	if err != nil || members == nil && resp.Status != http.StatusOK {
		return resp, err
	}
	for _, m := range members {
		if m.Name == name && m.ID != "" {
			k := &call{kind: backend.RemoveMachine, key: name, method: http.MethodDelete, path: "/v2/members/" + m.ID, rawPath: "/v2/members/" + url.PathEscape(m.ID)}
			return c.doClient(ctx, k, false)
		}
	}
	e := v2api.MachineNotFound(name)
	return synthesized(resp, e.Status(), e), nil
}

// lookupDue claims the next lazy membership lookup when one is due: none
// is running, the last one started at least lookupRetryInterval ago (or
// there was none), and either none succeeded yet or a request failed over
// to another endpoint since the last one (a refresh: the membership may
// have changed). So a client looks the members up at most once per 30 s,
// and a healthy client never again after the first success. refresh
// reports that a lookup succeeded before.
func (c *Client) lookupDue() (due, refresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lookingUp || c.lookupOK && !c.failedOver {
		return false, false
	}
	if c.lookedUp && c.now().Sub(c.lookupAt) < lookupRetryInterval {
		return false, false
	}
	c.claimLookup()
	return true, c.lookupOK
}

// claimLookup marks a lookup as started; c.mu is held. A failover seen
// before it is answered by it.
func (c *Client) claimLookup() {
	c.lookingUp, c.lookedUp, c.lookupAt = true, true, c.now()
	c.failedOver = false
}

// InitFailover looks the cluster's members up (AdminMachines: the etcd
// 0.4 peer API, else /v2/members) and rebuilds the endpoints on them: the
// leader's client URL becomes the current endpoint and the followers'
// client URLs the retry list. An endpoint in use that no member advertises
// (a proxy, a load balancer) stays current, with the members after it. It
// returns nil when a list was had.
func (c *Client) InitFailover(ctx context.Context) error {
	c.mu.Lock()
	c.claimLookup()
	c.mu.Unlock()
	return c.lookup(ctx, 0, false)
}

// lookup runs a claimed membership lookup, bounded by timeout when > 0.
// keep says the endpoint in use stays current when it is a member (a
// refresh after a failover: it has just answered, while the leader the
// lookup names may be the member that failed); otherwise the leader
// becomes current, as lua-etcd does.
func (c *Client) lookup(ctx context.Context, timeout time.Duration, keep bool) (err error) {
	ok := false
	defer func() {
		c.mu.Lock()
		c.lookingUp = false
		if ok {
			c.lookupOK = true
		}
		c.mu.Unlock()
	}()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	resp, err := c.adminMachines(ctx, &backend.Op{Kind: backend.Machines}, http.MethodGet)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("membership lookup: %w", ctx.Err())
		}
		return fmt.Errorf("membership lookup: %w", err)
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("membership lookup: status %d", resp.Status)
	}
	var machines []v2api.Machine
	if err := json.Unmarshal(resp.Body, &machines); err != nil {
		return fmt.Errorf("membership lookup: bad machine list: %v", err)
	}
	eps := c.machineEndpoints(machines)
	if len(eps) == 0 {
		return errors.New("membership lookup: no client urls in the member list")
	}
	c.mu.Lock()
	cur := c.eps[c.cur]
	c.eps, c.cur = rebuild(eps, cur), 0
	if keep {
		for i, e := range c.eps {
			if e == cur {
				c.cur = i
			}
		}
	}
	c.mu.Unlock()
	ok = true
	return nil
}

// rebuild orders the endpoints after a lookup. When the endpoint in use
// is one of the members, the leader becomes current, as in lua-etcd. When
// it is not (a proxy, a load balancer, a tunnel: a URL the members do not
// advertise, while the URLs they advertise may be unreachable from here),
// it stays current and the members, leader first, become the retry list.
func rebuild(members []*endpoint, cur *endpoint) []*endpoint {
	if containsEndpoint(members, cur) {
		return members
	}
	return append([]*endpoint{cur}, members...)
}

// machineEndpoints turns a machine list into endpoints: the leader first,
// then the followers in list order. URLs that do not parse are skipped; a
// URL already known keeps its credentials.
func (c *Client) machineEndpoints(machines []v2api.Machine) []*endpoint {
	old, _ := c.snapshot()
	var leaders, followers []*endpoint
	for _, m := range machines {
		if m.ClientURL == "" {
			continue
		}
		ep := c.parseEndpoint("member", m.ClientURL)
		if ep.bad != nil {
			continue
		}
		for _, o := range old {
			if o.String() == ep.String() {
				ep = o
				break
			}
		}
		if containsEndpoint(leaders, ep) || containsEndpoint(followers, ep) {
			continue
		}
		if m.State == v2api.StateLeader {
			leaders = append(leaders, ep)
		} else {
			followers = append(followers, ep)
		}
	}
	return append(leaders, followers...)
}
