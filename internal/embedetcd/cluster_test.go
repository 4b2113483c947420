package embedetcd

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func put(t *testing.T, base, key, value string) int {
	t.Helper()
	req, _ := http.NewRequest("PUT", base+"/v2/keys"+key, strings.NewReader(url.Values{"value": {value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// A three-member cluster elects a new leader when its leader is killed,
// and the killed member rejoins on its old data and ports.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-member cluster")
	}
	t0 := time.Now()
	cl, err := StartCluster(3, ClusterConfig{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	t.Logf("started in %v", time.Since(t0))
	lead, err := cl.WaitLeader(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if s := put(t, cl.Members[lead].ClientURL, "/a", "1"); s != 201 {
		t.Fatalf("put: %d", s)
	}
	t0 = time.Now()
	cl.KillMember(lead)
	t.Logf("killed the leader in %v", time.Since(t0))
	next, err := cl.WaitLeader(5 * time.Second)
	if err != nil || next == lead {
		t.Fatalf("new leader %d (old %d): %v", next, lead, err)
	}
	t.Logf("new leader after %v", time.Since(t0))
	if s := put(t, cl.Members[next].ClientURL, "/b", "2"); s != 201 {
		t.Fatalf("put: %d", s)
	}
	t0 = time.Now()
	if err := cl.RestartMember(lead); err != nil {
		t.Fatal(err)
	}
	t.Logf("restarted in %v", time.Since(t0))
	res, err := http.Get(cl.Members[lead].ClientURL + "/v2/keys/b")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("restarted member: %v %v", res, err)
	}
	res.Body.Close()
	t0 = time.Now()
	cl.StopMember(next)
	t.Logf("stopped the leader gracefully in %v; leader now %d", time.Since(t0), cl.Leader())
}
