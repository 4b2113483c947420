package compat

import (
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

func TestSocketBasics(t *testing.T) {
	L := newState(t)
	before := float64(time.Now().UnixMicro()) / 1e6
	res := eval(t, L, `local s = require('socket')
		return s.gettime(), s._VERSION, select('#', s.skip(1, 'a', 'b')), s.skip(1, 'a', 'b'), require('socket') == s`)
	now, ok := res[0].(lua.LNumber)
	if !ok || float64(now) < before || float64(now) > before+60 {
		t.Errorf("gettime = %v, want about %v", res[0], before)
	}
	if res[1].String() != socketVersion || res[2].String() != "1" || res[3].String() != "b" || res[4].String() != "true" {
		t.Errorf("got %v", res)
	}
	for _, name := range notProvided {
		msg := evalErr(t, L, "require('socket')."+name+"()")
		if !strings.Contains(msg, "socket."+name+" is not provided") {
			t.Errorf("%s: %q", name, msg)
		}
	}
	if msg := evalErr(t, L, "require('socket').dns.toip('x')"); !strings.Contains(msg, "not provided") {
		t.Errorf("dns: %q", msg)
	}
}
