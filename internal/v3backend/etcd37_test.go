package v3backend

import (
	"encoding/json"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
)

// TestOnEtcd37 runs the tests again with a real etcd 3.7.3 (no v2 API, no
// v2 store) as the backend's server; the comparison table still compares
// with etcd 3.5's v2 API. It skips without the binary (.ci/run builds
// it), and fails without it under CI.
func TestOnEtcd37(t *testing.T) {
	m := etcdtest.StartEtcd37(t)
	old := target
	target = m.ClientURL
	defer func() { target = old }()
	for _, c := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"CompareWithV2", TestCompareWithV2},
		{"DefectTTLRefused", TestDefectTTLRefused},
		{"DefectSiblingLeak", TestDefectSiblingLeak},
		{"DefectInOrderNames", TestDefectInOrderNames},
		{"DefectWaitIndexPlusOne", TestDefectWaitIndexPlusOne},
		{"DefectCompactedWaitIndex", TestDefectCompactedWaitIndex},
		{"DefectMissingKeyCodes", TestDefectMissingKeyCodes},
		{"DefectHiddenKeysListed", TestDefectHiddenKeysListed},
		{"LeaseExpiry", TestLeaseExpiry},
		{"DirTTL", TestDirTTL},
		{"DirTTLRefreshAndRemove", TestDirTTLRefreshAndRemove},
		{"SetTTLFile", TestSetTTLFile},
		{"NoLeaseLeak", TestNoLeaseLeak},
		{"MinimumTTL", TestMinimumTTL},
		{"WatchTimeout", TestWatchTimeout},
		{"WatchCancel", TestWatchCancel},
		{"WatchIndexes", TestWatchIndexes},
		{"WatchDirItself", TestWatchDirItself},
		{"ConcurrentCAS", TestConcurrentCAS},
		{"ConcurrentPushOrder", TestConcurrentPushOrder},
	} {
		t.Run(c.name, c.f)
	}
	t.Run("Machines", func(t *testing.T) {
		cl := etcdtest.StartEtcd37Cluster(t, 3)
		var urls []string
		for _, m := range cl.Members {
			urls = append(urls, m.ClientURL)
		}
		testMachines(t, urls)
	})
	t.Run("Version", func(t *testing.T) {
		r := doRaw(t, newBackend(t), backend.Op{Kind: backend.Version})
		var v struct{ Etcdserver, Etcdcluster string }
		if r.Status != 200 || json.Unmarshal(r.Body, &v) != nil || v.Etcdserver != etcdtest.Etcd37Version || v.Etcdcluster == "" {
			t.Fatalf("version: %d %s", r.Status, r.Body)
		}
	})
}
