package v2api

import (
	"testing"
)

func TestMachines(t *testing.T) {
	ms := []Machine{{Name: "a", State: StateLeader}, {Name: "b", State: StateFollower}}
	if m := FindMachine(ms, "b"); m == nil || m.State != StateFollower {
		t.Errorf("FindMachine(b) = %v", m)
	}
	if FindMachine(ms, "c") != nil {
		t.Error("FindMachine(c) found one")
	}
	if got := string(Marshal(ms)); got != `[{"name":"a","state":"leader","clientURL":"","peerURL":""},{"name":"b","state":"follower","clientURL":"","peerURL":""}]`+"\n" {
		t.Errorf("machines: %s", got)
	}
}

func TestMachineNotFound(t *testing.T) {
	e := MachineNotFound("m1")
	if e.Status() != 404 || e.ErrorCode != EcodeKeyNotFound || e.Cause != "/_etcd/machines/m1" || e.Message != "Key not found" {
		t.Errorf("%+v", e)
	}
}
