package v2api

import (
	"encoding/json"
	"testing"
	"time"
)

// Answers encode as etcd encodes them: its field names and order, empty
// fields left out, a trailing newline.
func TestMarshal(t *testing.T) {
	v := "x"
	exp := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ev := &Event{Action: ActionSet, Node: &Node{Key: "/a", Value: &v, Expiration: &exp, TTL: 5, ModifiedIndex: 7, CreatedIndex: 7},
		PrevNode: &Node{Key: "/a", Dir: true, Nodes: []*Node{{Key: "/a/b", Value: new(string), ModifiedIndex: 3, CreatedIndex: 2}}}}
	want := `{"action":"set","node":{"key":"/a","value":"x","expiration":"2026-01-02T03:04:05Z","ttl":5,"modifiedIndex":7,"createdIndex":7},` +
		`"prevNode":{"key":"/a","dir":true,"nodes":[{"key":"/a/b","value":"","modifiedIndex":3,"createdIndex":2}]}}` + "\n"
	if got := string(Marshal(ev)); got != want {
		t.Errorf("event:\n got %s\nwant %s", got, want)
	}
	e := MachineNotFound("m1")
	if got := string(Marshal(e)); got != `{"errorCode":100,"message":"Key not found","cause":"/_etcd/machines/m1","index":0}`+"\n" {
		t.Errorf("error: %s", got)
	}
	if e.Status() != 404 || NewError(EcodeNodeExist, "", 1).Status() != 412 || NewError(EcodeIndexNaN, "", 1).Status() != 400 {
		t.Error("status")
	}
	var back Event
	if err := json.Unmarshal(Marshal(ev), &back); err != nil || *back.Node.Value != "x" || !back.Node.Expiration.Equal(exp) {
		t.Errorf("round trip: %v %+v", err, back)
	}
}

func TestTTLOf(t *testing.T) {
	now := time.Unix(100, 0)
	for _, tc := range []struct {
		d    time.Duration
		want int64
	}{{0, 0}, {-time.Second, 0}, {time.Millisecond, 1}, {time.Second, 1}, {1500 * time.Millisecond, 2}, {60 * time.Second, 60}} {
		if got := TTLOf(now.Add(tc.d), now); got != tc.want {
			t.Errorf("TTLOf(+%v) = %d, want %d", tc.d, got, tc.want)
		}
	}
}
