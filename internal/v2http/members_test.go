package v2http

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
	"go.etcd.io/etcd/server/v3/embed"
)

func machines(t *testing.T, c *Client, name string) (*backend.Response, []v2api.Machine) {
	t.Helper()
	resp := do(t, c, &backend.Op{Kind: backend.Machines, Name: name, Timeout: 10 * time.Second})
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("content-type %q", resp.Header.Get("Content-Type"))
	}
	var ms []v2api.Machine
	if name == "" && resp.Status == 200 {
		if err := json.Unmarshal(resp.Body, &ms); err != nil {
			t.Fatalf("%s: %v", resp.Body, err)
		}
	}
	return resp, ms
}

// On etcd 3.5 the 0.4 admin API is missing (the real peer port says 404,
// a dead peer URL refuses): adminMachines answers from /v2/members and
// /v2/stats/self in the 0.4 shape, with this member as the leader.
func TestAdminMachinesModern(t *testing.T) {
	for _, peer := range []string{etcd.PeerURL, deadURL(t), ""} {
		c := newClient(t, Config{Peer: peer})
		resp, ms := machines(t, c, "")
		want := []v2api.Machine{{Name: "default", State: "leader", ClientURL: etcd.ClientURL, PeerURL: etcd.PeerURL}}
		if resp.Status != 200 || len(ms) != 1 || ms[0] != want[0] {
			t.Errorf("peer %q: %d %s", peer, resp.Status, resp.Body)
		}
		resp, _ = machines(t, c, "default")
		var m v2api.Machine
		if json.Unmarshal(resp.Body, &m); resp.Status != 200 || m != want[0] {
			t.Errorf("peer %q, named: %d %s", peer, resp.Status, resp.Body)
		}
		resp, _ = machines(t, c, "no such")
		if resp.Status != 404 || !strings.Contains(string(resp.Body), `"errorCode":100`) {
			t.Errorf("peer %q, unknown: %d %s", peer, resp.Status, resp.Body)
		}
	}
}

// InitFailover on the real server succeeds and leaves its client URL
// current; the first Do reports the lazy lookup.
func TestInitFailoverReal(t *testing.T) {
	dead := deadURL(t)
	c, err := New(Config{Host: dead, Endpoints: []string{etcd.ClientURL}, Peer: etcd.PeerURL})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.InitFailover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Endpoints(), " "); got != etcd.ClientURL {
		t.Errorf("endpoints %q", got)
	}
	c, _ = New(Config{Host: etcd.ClientURL, Peer: etcd.PeerURL})
	if resp := do(t, c, get("/")); resp.FailoverInit != 1 {
		t.Errorf("lazy lookup: %d", resp.FailoverInit)
	}
	if resp := do(t, c, get("/")); resp.FailoverInit != 0 {
		t.Errorf("second Do: %d", resp.FailoverInit)
	}
	// A cluster that cannot be reached: the lookup fails and says why.
	c, _ = New(Config{Host: dead})
	if err := c.InitFailover(context.Background()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("dead cluster: %v", err)
	}
}

// removeAdminMachines(name) on a real two-member cluster removes that
// member through DELETE /v2/members/<id>.
func TestRemoveAdminMachines(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a two-member cluster")
	}
	a, err := embedetcd.Start(embedetcd.Config{Name: "a", Configure: func(cfg *embed.Config) {
		// Let a remove b at once: by default etcd refuses until b has
		// been connected for 5 s.
		cfg.StrictReconfigCheck = false
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c := newClient(t, Config{Host: a.ClientURL, Peer: a.PeerURL})
	port, err := embedetcd.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	bPeer := "http://127.0.0.1:" + strconv.Itoa(port)
	// Add b with the v2 members API (a plain request through the same client).
	add := &call{method: http.MethodPost, path: "/v2/members", rawPath: "/v2/members",
		body: []byte(`{"peerURLs":["` + bPeer + `"]}`), ctype: "application/json"}
	resp, err := c.doClient(context.Background(), add, false)
	if err != nil || resp.Status != 201 {
		t.Fatalf("add member: %v %+v", err, resp)
	}
	b, err := embedetcd.Start(embedetcd.Config{Name: "b", Configure: func(cfg *embed.Config) {
		u, _ := url.Parse(bPeer)
		cfg.ListenPeerUrls = []url.URL{*u}
		cfg.AdvertisePeerUrls = []url.URL{*u}
		cfg.InitialCluster = "a=" + a.PeerURL + ",b=" + bPeer
		cfg.ClusterState = embed.ClusterStateFlagExisting
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	// b publishes its name and client URL through raft after it starts;
	// until a has applied that, b is listed without them.
	var ms []v2api.Machine
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, ms = machines(t, c, "")
		if len(ms) == 2 && ms[0].Name != "" && ms[1].Name != "" && ms[0].ClientURL != "" && ms[1].ClientURL != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("b never listed with its name and client URL: %+v", ms)
		}
	}
	if ms[0].State == ms[1].State {
		t.Fatalf("machines: %+v", ms)
	}
	if err := c.InitFailover(context.Background()); err != nil || len(c.Endpoints()) != 2 {
		t.Errorf("init failover: %v %v", err, c.Endpoints())
	}

	del := func(name string) *backend.Response {
		return do(t, c, &backend.Op{Kind: backend.RemoveMachine, Name: name, Timeout: 10 * time.Second})
	}
	if resp := del("nobody"); resp.Status != 404 || !strings.Contains(string(resp.Body), `"errorCode":100`) {
		t.Errorf("remove unknown: %d %s", resp.Status, resp.Body)
	}
	if resp := del(""); resp.Status != 404 && resp.Status != 405 {
		t.Errorf("remove without a name: %d %s", resp.Status, resp.Body)
	}
	if resp := del("b"); resp.Status != 204 {
		t.Fatalf("remove b: %d %s", resp.Status, resp.Body)
	}
	_, ms = machines(t, c, "")
	if len(ms) != 1 || ms[0].Name != "a" || ms[0].State != "leader" {
		t.Errorf("after remove: %+v", ms)
	}
}
