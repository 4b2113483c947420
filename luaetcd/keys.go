package luaetcd

import (
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/keypath"
	lua "github.com/yuin/gopher-lua"
)

// Methods of the key space. Each checks its arguments in lua-etcd's order
// (key, then index, then ttl), describes the call as one backend.Op and
// returns the entity built from the backend's answer. Argument numbers count the client as 1.

// checkKey reads the key argument and returns the normalized key (for the
// slash check) and the full key with the prefix applied.
func (c *client) checkKey(L *lua.LState) (norm, full string, err error) {
	s, ok := L.Get(2).(lua.LString)
	if !ok {
		return "", "", errKey
	}
	norm = keypath.Normalize(string(s))
	return norm, c.fullKey(norm), nil
}

func (c *client) fullKey(norm string) string {
	if c.prefix == "" {
		return norm
	}
	if norm == "/" {
		return c.prefix
	}
	return c.prefix + norm
}

// checkTTL reads an optional ttl at argument n; nil means the client's
// default.
func (c *client) checkTTL(L *lua.LState, n int) (int64, error) {
	v := L.Get(n)
	if v == lua.LNil {
		return c.ttl, nil
	}
	if !isInt(v) {
		return 0, errTTL
	}
	return int64(v.(lua.LNumber)), nil
}

// timeoutArg reads wait's optional timeout (seconds; 0 means none); nil
// means the client's timeout.
func (c *client) timeoutArg(L *lua.LState, n int) (time.Duration, error) {
	v := L.Get(n)
	if v == lua.LNil {
		return c.timeout, nil
	}
	if !isUint(v) {
		return 0, errTimeout
	}
	return seconds(v.(lua.LNumber)), nil
}

// writeAttr says how a write differs from a plain set.
type writeAttr struct {
	kind      backend.Kind // Set, Create, Update or CreateInOrder
	dir       bool
	withIndex bool // setx: argument 5 is modifiedIndex (CompareAndSwap)
	noValue   bool // mkdir: no value argument, ttl is argument 3
}

// write implements set, setnx, setx, push, mkdir and mkdirnx.
func (c *client) write(L *lua.LState, a writeAttr) (lua.LValue, error) {
	norm, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	ttlArg := 4
	if a.noValue {
		ttlArg = 3
	}
	op := &backend.Op{Kind: a.kind, Key: key, Dir: a.dir, Timeout: c.timeout}
	badIndex := false
	if a.withIndex {
		idx, ok, err := optUint(L.Get(5), errModifiedIndex)
		if err != nil {
			return nil, err
		}
		if ok {
			op.Kind = backend.CompareAndSwap
			op.PrevIndex, op.HasPrevIndex = indexOf(idx)
			badIndex = !op.HasPrevIndex
		}
	}
	if op.TTL, err = c.checkTTL(L, ttlArg); err != nil {
		return nil, err
	}
	if norm == "/" {
		return nil, errSlashKey
	}
	if !a.dir {
		if v := L.Get(3); v != lua.LNil {
			if op.Value, err = c.encodeValue(v); err != nil {
				return nil, err
			}
			op.HasValue = true
		}
	}
	if badIndex {
		return indexNaN(L, "prevIndex"), nil
	}
	return c.send(L, op)
}

func (c *client) set(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{kind: backend.Set})
}

func (c *client) setnx(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{kind: backend.Create})
}

func (c *client) setx(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{kind: backend.Update, withIndex: true})
}

func (c *client) push(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{kind: backend.CreateInOrder})
}

func (c *client) mkdir(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{kind: backend.Set, dir: true, noValue: true})
}

func (c *client) mkdirnx(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{kind: backend.Create, dir: true, noValue: true})
}

func (c *client) get(L *lua.LState) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	consistent, err := optBool(L.Get(3), errConsistent)
	if err != nil {
		return nil, err
	}
	ent, err := c.send(L, &backend.Op{Kind: backend.Get, Key: key, Quorum: consistent, Timeout: c.timeout})
	if err != nil {
		return nil, err
	}
	return c.decodeNode(L, ent)
}

// decodeNode decodes entity.body.node.value of a 200 answer about a key
// (not a directory), as get, wait and waitdir do. A value that is not
// valid for the serializer makes the call fail with the decoder's message.
func (c *client) decodeNode(L *lua.LState, ent *lua.LTable) (lua.LValue, error) {
	if ent.RawGetString("status") != lua.LNumber(200) {
		return ent, nil
	}
	node := nodeOf(ent)
	if node == nil || isDir(node) {
		return ent, nil
	}
	s, ok := node.RawGetString("value").(lua.LString)
	if !ok {
		return ent, nil
	}
	v, err := c.decodeValue(L, string(s))
	if err != nil {
		return nil, err
	}
	node.RawSetString("value", v)
	return ent, nil
}

// delete removes a key; with a value and/or an index it is a
// compare-and-delete.
func (c *client) delete(L *lua.LState) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	idx, hasIdx, err := optUint(L.Get(4), errModifiedIndex)
	if err != nil {
		return nil, err
	}
	op := &backend.Op{Kind: backend.Delete, Key: key, Timeout: c.timeout}
	if v := L.Get(3); v != lua.LNil {
		if op.PrevValue, err = c.encodeValue(v); err != nil {
			return nil, err
		}
		op.Kind, op.HasPrevValue = backend.CompareAndDelete, true
	}
	if hasIdx {
		op.Kind = backend.CompareAndDelete
		if op.PrevIndex, op.HasPrevIndex = indexOf(idx); !op.HasPrevIndex {
			return indexNaN(L, "prevIndex"), nil
		}
	}
	return c.send(L, op)
}

func (c *client) rmdir(L *lua.LState) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	recursive, err := optBool(L.Get(3), errRecursive)
	if err != nil {
		return nil, err
	}
	return c.send(L, &backend.Op{Kind: backend.Delete, Key: key, Dir: true, Recursive: recursive, Timeout: c.timeout})
}

func (c *client) readdir(L *lua.LState) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	recursive, err := optBool(L.Get(3), errRecursive)
	if err != nil {
		return nil, err
	}
	consistent, err := optBool(L.Get(4), errConsistent)
	if err != nil {
		return nil, err
	}
	ent, err := c.send(L, &backend.Op{
		Kind: backend.Get, Key: key, Recursive: recursive, Quorum: consistent, Timeout: c.timeout,
	})
	if err != nil {
		return nil, err
	}
	// lua-etcd answers readdir of a key (not a directory) as not found,
	// marking the node so a script can tell why.
	if ent.RawGetString("status") == lua.LNumber(200) {
		if node := nodeOf(ent); node != nil && !isDir(node) {
			ent.RawSetString("status", lua.LNumber(404))
			node.RawSetString("dir", lua.LFalse)
		}
	}
	return ent, nil
}

func (c *client) wait(L *lua.LState) (lua.LValue, error)    { return c.watch(L, false) }
func (c *client) waitdir(L *lua.LState) (lua.LValue, error) { return c.watch(L, true) }

// watch implements wait and waitdir: a long poll for the next change at
// or after modifiedIndex. A change that deletes or expires the key comes
// back as the entity with node.value nil.
func (c *client) watch(L *lua.LState, recursive bool) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	// lua-etcd checks the timeout before the index.
	timeout, err := c.timeoutArg(L, 4)
	if err != nil {
		return nil, err
	}
	idx, hasIdx, err := optUint(L.Get(3), errWaitIndex)
	if err != nil {
		return nil, err
	}
	op := &backend.Op{Kind: backend.Watch, Key: key, Recursive: recursive, Timeout: timeout}
	if hasIdx {
		if op.WaitIndex, op.HasWaitIndex = indexOf(idx); !op.HasWaitIndex {
			return indexNaN(L, "waitIndex"), nil
		}
	}
	ent, err := c.send(L, op)
	if err != nil {
		return nil, err
	}
	return c.decodeNode(L, ent)
}

// setTTL changes the ttl of a key or directory without changing its
// value. The backend does it so that a concurrent change makes it fail
// instead of being undone (the v2 backend reads the node and writes it
// back guarded by its value and index, as lua-etcd did).
func (c *client) setTTL(L *lua.LState) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	ttl, err := c.checkTTL(L, 3)
	if err != nil {
		return nil, err
	}
	return c.send(L, &backend.Op{Kind: backend.SetTTL, Key: key, TTL: ttl, Timeout: c.timeout})
}
