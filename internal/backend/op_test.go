package backend

import "testing"

// Only kinds that leave the same state when done twice may be resent
// after an ambiguous failure.
func TestIdempotentKinds(t *testing.T) {
	want := map[Kind]bool{
		Get: true, Set: true, Watch: true, Version: true,
		StatsLeader: true, StatsSelf: true, StatsStore: true,
		AdminConfig: true, SetAdminConfig: true, Machines: true,
		Create: false, Update: false, CompareAndSwap: false,
		Delete: false, CompareAndDelete: false, CreateInOrder: false,
		SetTTL: false, RemoveMachine: false,
	}
	for k, idem := range want {
		if k.Idempotent() != idem {
			t.Errorf("%s: Idempotent() = %v, want %v", k, k.Idempotent(), idem)
		}
	}
}

func TestKindNames(t *testing.T) {
	if Get.String() != "get" || CompareAndSwap.String() != "compareAndSwap" || RemoveMachine.String() != "removeMachine" || Kind(99).String() != "kind(99)" {
		t.Error("kind names")
	}
	for k := Get; k <= RemoveMachine; k++ {
		if want := k <= SetTTL; k.OnKeys() != want {
			t.Errorf("%s: OnKeys() = %v", k, k.OnKeys())
		}
	}
}
