// Package backend is the seam between the Lua-facing layer (package
// luaetcd: argument checks, values, entities) and a protocol backend that
// talks to etcd: the v2 HTTP API (internal/v2http) or the v3 API
// (internal/v3backend).
//
// The Lua layer describes what a script asked for as an Op in etcd v2
// terms (a kind and typed fields, never URLs or query strings); a backend
// carries it out and answers with a Response shaped as etcd's v2 API
// answers (status, headers, JSON body of package v2api). The Lua layer
// never sees connections or endpoints, and a backend never sees Lua values.
package backend

import (
	"strconv"
	"time"
)

// Kind says what an Op does. The names are those of etcd's v2 store
// (server/etcdserver/api/v2store) and of the v2 client's KeysAPI.
type Kind uint8

const (
	// Get reads Key: a file, or a directory with its children
	// (Recursive: the whole subtree; Sorted: children in key order).
	// Quorum asks for a linearizable read.
	Get Kind = iota + 1
	// Set writes Key whatever it holds: the file Value, or a directory
	// when Dir (mkdir), with TTL.
	Set
	// Create writes Key only if it does not exist (v2's prevExist=false):
	// setnx, and mkdirnx when Dir.
	Create
	// Update writes Key only if it exists (v2's prevExist=true): setx
	// without an index.
	Update
	// CompareAndSwap writes Key only if it exists and matches PrevIndex
	// and/or PrevValue: setx with an index.
	CompareAndSwap
	// Delete removes Key: a file, or a directory when Dir (empty unless
	// Recursive).
	Delete
	// CompareAndDelete removes the file Key only if it matches PrevValue
	// and/or PrevIndex.
	CompareAndDelete
	// CreateInOrder creates a new file below the directory Key, named by a
	// server-chosen increasing number (push).
	CreateInOrder
	// Watch waits for the next change of Key (Recursive: of its subtree)
	// at or after WaitIndex, or after now without one (wait, waitdir).
	Watch
	// SetTTL changes the TTL of Key (file or directory) and keeps its
	// value; TTL < 0 removes the TTL.
	SetTTL
	// Version reads the server's version.
	Version
	// StatsLeader, StatsSelf and StatsStore read the server's statistics.
	StatsLeader
	StatsSelf
	StatsStore
	// AdminConfig and SetAdminConfig read and write etcd 0.4's cluster
	// configuration (Settings).
	AdminConfig
	SetAdminConfig
	// Machines lists the cluster's members in etcd 0.4's shape, or the one
	// called Name.
	Machines
	// RemoveMachine removes the member called Name.
	RemoveMachine
)

var kindNames = [...]string{
	Get: "get", Set: "set", Create: "create", Update: "update",
	CompareAndSwap: "compareAndSwap", Delete: "delete", CompareAndDelete: "compareAndDelete",
	CreateInOrder: "createInOrder", Watch: "watch", SetTTL: "setTTL", Version: "version",
	StatsLeader: "statsLeader", StatsSelf: "statsSelf", StatsStore: "statsStore",
	AdminConfig: "adminConfig", SetAdminConfig: "setAdminConfig", Machines: "machines",
	RemoveMachine: "removeMachine",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// OnKeys reports whether the kind works on the key space (/v2/keys).
func (k Kind) OnKeys() bool { return k >= Get && k <= SetTTL }

// Idempotent reports whether an Op of this kind leaves the same state
// when carried out twice, so a backend may send it again after an
// ambiguous failure (the request may have reached a server). A create, a
// compare-and-swap, a delete or an in-order create may not be repeated.
func (k Kind) Idempotent() bool {
	switch k {
	case Get, Set, Watch, Version, StatsLeader, StatsSelf, StatsStore, AdminConfig, SetAdminConfig, Machines:
		return true
	}
	return false
}

// ReadOnly reports whether an Op of this kind only reads (gets, watches,
// version, statistics, configuration and member lists), so that sending
// it again, even while an earlier copy may still be applied by a stopped
// server that resumes, changes nothing. A plain set is idempotent but not
// read-only: a copy applied late could undo a later write.
func (k Kind) ReadOnly() bool {
	switch k {
	case Get, Watch, Version, StatsLeader, StatsSelf, StatsStore, AdminConfig, Machines:
		return true
	}
	return false
}

// NoTTL is the TTL of a write without one (lua-etcd sends "ttl=").
const NoTTL = -1

// Setting is one field of SetAdminConfig, in the order given.
type Setting struct {
	Name  string
	Value uint64
}

// Op is one operation a script asked for. Fields a Kind does not use are
// ignored.
type Op struct {
	Kind Kind
	// Key is, for key-space kinds, the normalized absolute key with the
	// client's prefix applied ("/app/a b/ü"; "/" is the root); it is not
	// escaped.
	Key string
	// Value is the file's new value when HasValue; without it a write
	// stores "" (lua-etcd sends no value field for a nil value).
	Value    string
	HasValue bool
	// Dir makes Set and Create write a directory (mkdir, mkdirnx), and
	// Delete remove one (rmdir).
	Dir bool
	// TTL is the write's time to live in seconds; NoTTL (any value < 0)
	// means none, which also clears an existing TTL on update.
	TTL int64
	// PrevValue and PrevIndex are the conditions of CompareAndSwap and
	// CompareAndDelete, each used when its Has field is set.
	PrevValue    string
	HasPrevValue bool
	PrevIndex    uint64
	HasPrevIndex bool
	// Recursive: Get and Watch cover the subtree; Delete removes a
	// non-empty directory.
	Recursive bool
	// Sorted: Get lists children in key order.
	Sorted bool
	// Quorum: Get is a linearizable read (lua-etcd's consistent flag).
	Quorum bool
	// WaitIndex is where a Watch starts, when HasWaitIndex; else it waits
	// for the next change.
	WaitIndex    uint64
	HasWaitIndex bool
	// Name is the member name of Machines and RemoveMachine ("" for all).
	Name string
	// Settings are SetAdminConfig's fields.
	Settings []Setting
	// Timeout bounds the whole operation; 0 means none. When it expires
	// the backend answers with a Response whose TimedOut is set, not with
	// an error.
	Timeout time.Duration
}
