package v3backend

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
)

func doRaw(t *testing.T, b *Backend, op backend.Op) *backend.Response {
	t.Helper()
	r, err := b.Do(context.Background(), &op)
	if err != nil {
		t.Fatalf("%s: %v", op.Kind, err)
	}
	return r
}

func TestVersionAndStats(t *testing.T) {
	b := newBackend(t)
	r := doRaw(t, b, backend.Op{Kind: backend.Version})
	var v struct{ Etcdserver, Etcdcluster string }
	if r.Status != 200 || json.Unmarshal(r.Body, &v) != nil || v.Etcdserver != "3.5.35" || v.Etcdcluster == "" {
		t.Fatalf("version: %d %s", r.Status, r.Body)
	}
	r = doRaw(t, b, backend.Op{Kind: backend.StatsSelf})
	var self struct {
		Name, ID, State string
		LeaderInfo      struct{ Leader string }
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &self) != nil || self.Name != "default" || self.State != "StateLeader" ||
		self.ID == "" || self.LeaderInfo.Leader != self.ID {
		t.Fatalf("statsSelf: %d %s", r.Status, r.Body)
	}
	r = doRaw(t, b, backend.Op{Kind: backend.StatsLeader})
	var leader struct {
		Leader    string
		Followers map[string]any
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &leader) != nil || leader.Leader != self.ID || len(leader.Followers) != 0 {
		t.Fatalf("statsLeader: %d %s", r.Status, r.Body)
	}
	for _, k := range []backend.Kind{backend.StatsStore, backend.AdminConfig, backend.SetAdminConfig} {
		if r := doRaw(t, b, backend.Op{Kind: k}); r.Status != 404 {
			t.Fatalf("%s: %d %s", k, r.Status, r.Body)
		}
	}
}

// Machines, RemoveMachine and InitFailover on a real 3-member cluster.
func TestMachines(t *testing.T) {
	cl, err := embedetcd.StartCluster(3, embedetcd.ClusterConfig{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	testMachines(t, cl.ClientURLs())
}

// testMachines checks the machine operations on a 3-member cluster with
// the client URLs urls.
func testMachines(t *testing.T, urls []string) {
	b, err := New(Config{Endpoints: urls[:1]})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r := doRaw(t, b, backend.Op{Kind: backend.Machines})
	var ms []machine
	if r.Status != 200 || json.Unmarshal(r.Body, &ms) != nil || len(ms) != 3 {
		t.Fatalf("machines: %d %s", r.Status, r.Body)
	}
	leaders := 0
	var follower machine
	for _, m := range ms {
		if m.State == "leader" {
			leaders++
		} else {
			follower = m
		}
		if m.ClientURL == "" || m.PeerURL == "" || m.Name == "" {
			t.Fatalf("machine %+v", m)
		}
	}
	if leaders != 1 {
		t.Fatalf("%d leaders in %s", leaders, r.Body)
	}
	r = doRaw(t, b, backend.Op{Kind: backend.Machines, Name: follower.Name})
	var one machine
	if r.Status != 200 || json.Unmarshal(r.Body, &one) != nil || one != follower {
		t.Fatalf("machine %s: %d %s", follower.Name, r.Status, r.Body)
	}
	r = doRaw(t, b, backend.Op{Kind: backend.Machines, Name: "nope"})
	if r.Status != 404 || string(r.Body) != `{"cause":"/_etcd/machines/nope","errorCode":100,"index":0,"message":"Key not found"}` {
		t.Fatalf("unknown machine: %d %s", r.Status, r.Body)
	}
	if err := b.InitFailover(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(b.cli.Endpoints()); n != 3 {
		t.Fatalf("%d endpoints after InitFailover", n)
	}
	if r := doRaw(t, b, backend.Op{Kind: backend.RemoveMachine, Name: "nope"}); r.Status != 404 {
		t.Fatalf("remove unknown: %d %s", r.Status, r.Body)
	}
	// etcd refuses to remove a member until the others have been
	// connected for a while ("unhealthy cluster").
	for start := time.Now(); ; time.Sleep(500 * time.Millisecond) {
		r, err := b.Do(context.Background(), &backend.Op{Kind: backend.RemoveMachine, Name: follower.Name})
		if err != nil && strings.Contains(err.Error(), "refused") && time.Since(start) < 15*time.Second {
			continue
		}
		if err != nil || r.Status != 204 {
			t.Fatalf("remove %s: %v %v", follower.Name, r, err)
		}
		break
	}
	r = doRaw(t, b, backend.Op{Kind: backend.Machines})
	if json.Unmarshal(r.Body, &ms) != nil || len(ms) != 2 {
		t.Fatalf("machines after the removal: %s", r.Body)
	}
}
