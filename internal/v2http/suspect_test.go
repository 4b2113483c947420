package v2http

import (
	"strings"
	"testing"
	"time"
)

// A suspect endpoint is tried after the others; once its background
// probe succeeds (the fault is over) it is an ordinary endpoint again,
// and the current one again since it was current when it became suspect.
// The probes reach the hook at the next call, marked Probe.
func TestSuspectProbedBack(t *testing.T) {
	p := newProxy(t)
	var log infoLog
	c := newClient(t, Config{Host: p.URL, Endpoints: []string{etcd.ClientURL}, StallTimeout: 200 * time.Millisecond, Hook: log.hook})
	p.Blackhole()
	do(t, c, get("/suspect/a"))
	if _, ok := c.SuspectEndpoints()[p.URL]; !ok {
		t.Fatalf("not suspect: %v", c.SuspectEndpoints())
	}
	if eps := c.Endpoints(); eps[0] != etcd.ClientURL {
		t.Errorf("endpoints after the move: %v", eps)
	}
	// While the fault lasts, calls go to the other endpoint at once and
	// probes fail.
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		do(t, c, get("/suspect/a"))
		time.Sleep(50 * time.Millisecond)
	}
	infos := log.take()
	var probes, onProxy int
	for _, i := range infos {
		switch {
		case i.Probe:
			probes++
			if i.Status == 200 || !strings.HasSuffix(i.URL, "/health") {
				t.Errorf("probe during the fault: %+v", i)
			}
		case i.Endpoint == p.URL:
			onProxy++
		}
	}
	if probes == 0 || onProxy != 1 {
		t.Errorf("during the fault: %d probes, %d requests to the silent endpoint (want 1: the first)", probes, onProxy)
	}

	p.Restore()
	deadline = time.Now().Add(8 * time.Second)
	for len(c.SuspectEndpoints()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("still suspect 8 s after the fault ended: %v", c.SuspectEndpoints())
		}
		do(t, c, get("/suspect/a"))
		time.Sleep(50 * time.Millisecond)
	}
	if eps := c.Endpoints(); eps[0] != p.URL {
		t.Errorf("not current again: %v", eps)
	}
	log.take()
	do(t, c, get("/suspect/a"))
	infos = log.take()
	last := infos[len(infos)-1]
	if last.Endpoint != p.URL || last.Status != 404 {
		t.Errorf("after the probe: %+v", infos)
	}
	var ok bool
	for _, i := range infos {
		ok = ok || i.Probe && i.Status == 200
	}
	if !ok {
		t.Errorf("no successful probe reported: %+v", infos)
	}
}

// order puts the suspects last, in list order, after the current endpoint
// and the other healthy ones.
func TestSuspectOrder(t *testing.T) {
	a, b, d := "http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"
	c := newClient(t, Config{Host: a, Endpoints: []string{b, d}})
	c.cur = 1 // b
	c.markSuspect(c.eps[1], "test")
	c.markSuspect(c.eps[2], "test")
	// No probe is due yet (the first comes 250 ms after marking).
	eps, healthy, cur := c.order()
	var got []string
	for _, e := range eps {
		got = append(got, e.String())
	}
	if strings.Join(got, " ") != a+" "+b+" "+d || healthy != 1 || cur.String() != b {
		t.Errorf("order %v, %d healthy, current %s", got, healthy, cur)
	}
	// Clearing b, which was current when marked, makes it current again.
	c.clearSuspect(c.eps[1])
	if eps := c.Endpoints(); eps[0] != b {
		t.Errorf("endpoints %v", eps)
	}
	if s := c.SuspectEndpoints(); len(s) != 1 || s[d] != "test" {
		t.Errorf("suspects %v", s)
	}
}
