package etcdtest

import (
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// others returns the client URLs of every member but i.
func others(c *ProcCluster, i int) []string {
	var urls []string
	for j, u := range c.ClientURLs() {
		if j != i {
			urls = append(urls, u)
		}
	}
	return urls
}

// waitValue polls member m's own (serializable) view of key until it is
// want: a member that was down or frozen catches up from the leader.
func waitValue(t *testing.T, m *ProcMember, key, want string) {
	t.Helper()
	cli := newClient(t, m.ClientURL)
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := mustGet(t, cli, key, clientv3.WithSerializable())
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("member %s has %s = %q, want %q", m.Name, key, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEtcd37ClusterKillLeader(t *testing.T) {
	t.Parallel()
	c := StartEtcd37Cluster(t, 3)
	mustPut(t, newClient(t, c.ClientURLs()...), "/k", "v1")

	old, err := c.WaitLeader(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.Members[old].Kill()
	if c.Members[old].Running() {
		t.Fatal("running after Kill")
	}
	leader, err := c.WaitLeader(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if leader == old {
		t.Fatalf("leader is still the killed member %d", old)
	}
	cli := newClient(t, others(c, old)...)
	mustPut(t, cli, "/k", "v2")
	if got := mustGet(t, cli, "/k"); got != "v2" {
		t.Fatalf("get /k = %q, want v2", got)
	}

	// The killed member comes back on its data and ports and catches up.
	if err := c.Members[old].Restart(); err != nil {
		t.Fatal(err)
	}
	waitValue(t, c.Members[old], "/k", "v2")
}

func TestEtcd37ClusterFreeze(t *testing.T) {
	t.Parallel()
	c := StartEtcd37Cluster(t, 3)
	leader, err := c.WaitLeader(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}

	// A frozen follower: the other two still make a quorum.
	f := (leader + 1) % 3
	if err := c.Members[f].Freeze(); err != nil {
		t.Fatal(err)
	}
	if !c.Members[f].Frozen() || !c.Members[f].Running() {
		t.Fatal("a frozen member is running and frozen")
	}
	mustPut(t, newClient(t, others(c, f)...), "/k", "while-frozen")
	if err := c.Members[f].Thaw(); err != nil {
		t.Fatal(err)
	}
	waitValue(t, c.Members[f], "/k", "while-frozen")

	// A frozen leader: it still believes it leads, the others elect
	// another.
	if err := c.Members[leader].Freeze(); err != nil {
		t.Fatal(err)
	}
	next, err := c.WaitLeader(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if next == leader {
		t.Fatalf("frozen member %d still counted as leader", leader)
	}
	mustPut(t, newClient(t, others(c, leader)...), "/k", "new-leader")
	if err := c.Members[leader].Thaw(); err != nil {
		t.Fatal(err)
	}
	waitValue(t, c.Members[leader], "/k", "new-leader")
	if _, err := c.WaitLeader(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	// Left frozen: Close must still kill it.
	if err := c.Members[f].Freeze(); err != nil {
		t.Fatal(err)
	}
}
