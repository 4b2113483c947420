// Package v2api is etcd's v2 keys API answer model: nodes, events, errors
// and the headers that go with them, with the JSON encoding etcd uses. The
// v2 HTTP backend uses it to synthesize and read answers, the v3 backend
// to answer in v2's terms, and tests to build expected answers.
package v2api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Actions of v2 events.
const (
	ActionGet              = "get"
	ActionSet              = "set"
	ActionCreate           = "create"
	ActionUpdate           = "update"
	ActionDelete           = "delete"
	ActionCompareAndSwap   = "compareAndSwap"
	ActionCompareAndDelete = "compareAndDelete"
	ActionExpire           = "expire"
)

// Node is a v2 node: a file (Value) or a directory (Dir, Nodes). Fields
// are in etcd's JSON order; empty ones are left out as etcd does.
type Node struct {
	Key           string     `json:"key,omitempty"`
	Value         *string    `json:"value,omitempty"`
	Dir           bool       `json:"dir,omitempty"`
	Expiration    *time.Time `json:"expiration,omitempty"`
	TTL           int64      `json:"ttl,omitempty"`
	Nodes         []*Node    `json:"nodes,omitempty"`
	ModifiedIndex uint64     `json:"modifiedIndex,omitempty"`
	CreatedIndex  uint64     `json:"createdIndex,omitempty"`
}

// Event is the body of a successful keys answer.
type Event struct {
	Action   string `json:"action"`
	Node     *Node  `json:"node,omitempty"`
	PrevNode *Node  `json:"prevNode,omitempty"`
}

// TTLOf returns v2's ttl field for a node expiring at exp seen at now:
// the remaining seconds rounded up, as v2 reports it.
func TTLOf(exp, now time.Time) int64 {
	d := exp.Sub(now)
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// Header returns the header etcd sends with a keys answer at index idx.
func Header(idx uint64) http.Header {
	return http.Header{
		"Content-Type": {"application/json"},
		"X-Etcd-Index": {strconv.FormatUint(idx, 10)},
	}
}

// Marshal encodes v (an *Event, *Error or another answer) as etcd does:
// JSON with a trailing newline.
func Marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own types are encoded; they always encode.
		panic("v2api: " + err.Error())
	}
	return append(b, '\n')
}
