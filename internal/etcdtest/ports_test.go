package etcdtest

import "testing"

func TestPickPortOutsideEphemeralRange(t *testing.T) {
	seen := map[int]bool{}
	for range 50 {
		p, err := pickPort()
		if err != nil {
			t.Fatal(err)
		}
		if p < portLow || p >= portHigh {
			t.Fatalf("port %d outside [%d, %d)", p, portLow, portHigh)
		}
		if seen[p] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[p] = true
	}
}
