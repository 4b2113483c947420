package luaetcd_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// WithStallTimeout bounds how long a read waits on a silent member (here
// a FaultProxy, a fake that accepts connections and answers nothing, in
// front of the real etcd) before it goes on to the next endpoint, and the
// request hook says which endpoint became suspect and why. With the rule
// off (0), the read waits for its whole timeout.
func TestWithStallTimeout(t *testing.T) {
	p, err := etcdtest.NewFaultProxy(strings.TrimPrefix(etcdServer.ClientURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Blackhole()
	run := func(stall time.Duration) (time.Duration, lua.LValue, []luaetcd.RequestInfo) {
		var infos []luaetcd.RequestInfo
		L := luaetcd.NewState(context.Background(),
			luaetcd.WithEndpoints(p.URL, etcdServer.ClientURL),
			luaetcd.WithAPI(luaetcd.APIv2), // the v2 backend's rules; no API probe
			luaetcd.WithStallTimeout(stall),
			luaetcd.WithRequestHook(func(i luaetcd.RequestInfo) { infos = append(infos, i) }))
		defer L.Close()
		start := time.Now()
		if err := L.DoString(`
			local cli = require('etcd.luasocket').new({ timeout = 2, prefix = '/test/stall' })
			status = cli:get('/none').status
		`); err != nil {
			t.Fatal(err)
		}
		return time.Since(start), L.GetGlobal("status"), infos
	}

	took, status, infos := run(300 * time.Millisecond)
	if status != lua.LNumber(404) || took > 1500*time.Millisecond {
		t.Errorf("stall 300 ms: status %v after %v", status, took)
	}
	if len(infos) < 2 || infos[0].Endpoint != p.URL || infos[0].Suspect != "no answer headers within 300ms" ||
		infos[1].Endpoint != etcdServer.ClientURL || infos[1].Status != 404 {
		t.Errorf("stall 300 ms: records %+v", infos)
	}

	took, status, infos = run(0)
	if status != lua.LNumber(408) || took < 2*time.Second {
		t.Errorf("stall off: status %v after %v", status, took)
	}
	if len(infos) < 1 || infos[0].Suspect != "no answer within the call's timeout" {
		t.Errorf("stall off: records %+v", infos)
	}
}
