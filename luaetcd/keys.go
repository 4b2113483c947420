package luaetcd

import (
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd/backend"
	"github.com/luaetcd/go-luaetcd/luaetcd/keypath"
	lua "github.com/yuin/gopher-lua"
)

// Methods of /v2/keys. Each checks its arguments in lua-etcd's order (key,
// then index, then ttl), builds one backend.Request and returns the
// entity. Argument numbers count the client as 1.

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
	what      string
	method    string
	prevExist string // "", "true" or "false"
	dir       bool
	withIndex bool // setx: argument 5 is modifiedIndex
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
	var query []backend.Param
	if a.prevExist != "" {
		query = append(query, backend.Param{Name: "prevExist", Value: a.prevExist})
	}
	if a.withIndex {
		idx, ok, err := optUint(L.Get(5), errModifiedIndex)
		if err != nil {
			return nil, err
		}
		if ok {
			query = append(query, backend.Param{Name: "prevIndex", Value: formatUint(idx)})
		}
	}
	ttl, err := c.checkTTL(L, ttlArg)
	if err != nil {
		return nil, err
	}
	if norm == "/" {
		return nil, errSlashKey
	}
	form := make([]backend.Param, 0, 2)
	if a.dir {
		form = append(form, backend.Param{Name: "dir", Value: "true"})
	} else if v := L.Get(3); v != lua.LNil {
		s, err := c.encodeValue(v)
		if err != nil {
			return nil, err
		}
		form = append(form, backend.Param{Name: "value", Value: s})
	}
	form = append(form, backend.Param{Name: "ttl", Value: ttlParam(ttl)})
	return c.send(L, a.what, &backend.Request{
		Method:   a.method,
		Endpoint: backend.Keys,
		Key:      key,
		Query:    query,
		Form:     form,
		Timeout:  c.timeout,
		// A plain set or mkdir leaves the same state when sent twice; a
		// create, a compare-and-swap or an in-order push does not.
		Idempotent: a.prevExist == "" && !a.withIndex && a.method == "PUT",
	})
}

func (c *client) set(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{what: "set", method: "PUT"})
}

func (c *client) setnx(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{what: "setnx", method: "PUT", prevExist: "false"})
}

func (c *client) setx(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{what: "setx", method: "PUT", prevExist: "true", withIndex: true})
}

func (c *client) push(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{what: "push", method: "POST"})
}

func (c *client) mkdir(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{what: "mkdir", method: "PUT", dir: true, noValue: true})
}

func (c *client) mkdirnx(L *lua.LState) (lua.LValue, error) {
	return c.write(L, writeAttr{what: "mkdirnx", method: "PUT", prevExist: "false", dir: true, noValue: true})
}

// consistentParams are sent for a consistent read: lua-etcd's
// consistent=true, which etcd ignores since 2.0, and quorum=true, which
// today's etcd honours.
var consistentParams = []backend.Param{{Name: "consistent", Value: "true"}, {Name: "quorum", Value: "true"}}

func (c *client) get(L *lua.LState) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	consistent, err := optBool(L.Get(3), errConsistent)
	if err != nil {
		return nil, err
	}
	req := &backend.Request{Method: "GET", Endpoint: backend.Keys, Key: key, Timeout: c.timeout, Idempotent: true}
	if consistent {
		req.Query = consistentParams
	}
	ent, err := c.send(L, "get", req)
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

func (c *client) delete(L *lua.LState) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	idx, hasIdx, err := optUint(L.Get(4), errModifiedIndex)
	if err != nil {
		return nil, err
	}
	var query []backend.Param
	if v := L.Get(3); v != lua.LNil {
		s, err := c.encodeValue(v)
		if err != nil {
			return nil, err
		}
		query = append(query, backend.Param{Name: "prevValue", Value: s})
	}
	if hasIdx {
		query = append(query, backend.Param{Name: "prevIndex", Value: formatUint(idx)})
	}
	return c.send(L, "delete", &backend.Request{
		Method: "DELETE", Endpoint: backend.Keys, Key: key, Query: query, Timeout: c.timeout,
	})
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
	query := []backend.Param{{Name: "dir", Value: "true"}}
	if recursive {
		query = append(query, backend.Param{Name: "recursive", Value: "true"})
	}
	return c.send(L, "rmdir", &backend.Request{
		Method: "DELETE", Endpoint: backend.Keys, Key: key, Query: query, Timeout: c.timeout,
	})
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
	var query []backend.Param
	if recursive {
		query = append(query, backend.Param{Name: "recursive", Value: "true"})
	}
	if consistent {
		query = append(query, consistentParams...)
	}
	ent, err := c.send(L, "readdir", &backend.Request{
		Method: "GET", Endpoint: backend.Keys, Key: key, Query: query, Timeout: c.timeout, Idempotent: true,
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

func (c *client) wait(L *lua.LState) (lua.LValue, error)    { return c.watch(L, "wait", false) }
func (c *client) waitdir(L *lua.LState) (lua.LValue, error) { return c.watch(L, "waitdir", true) }

// watch implements wait and waitdir: a long poll for the next change at
// or after modifiedIndex. A change that deletes or expires the key comes
// back as the entity with node.value nil.
func (c *client) watch(L *lua.LState, what string, recursive bool) (lua.LValue, error) {
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
	query := make([]backend.Param, 0, 3)
	query = append(query, backend.Param{Name: "wait", Value: "true"})
	if recursive {
		query = append(query, backend.Param{Name: "recursive", Value: "true"})
	}
	if hasIdx {
		query = append(query, backend.Param{Name: "waitIndex", Value: formatUint(idx)})
	}
	ent, err := c.send(L, what, &backend.Request{
		Method: "GET", Endpoint: backend.Keys, Key: key, Query: query, Timeout: timeout, Idempotent: true, LongPoll: true,
	})
	if err != nil {
		return nil, err
	}
	return c.decodeNode(L, ent)
}

// setTTL changes the ttl of a key or directory without changing its
// value: it reads the node, then writes it back guarded by its value and
// index, so a concurrent change makes it fail instead of being undone.
func (c *client) setTTL(L *lua.LState) (lua.LValue, error) {
	_, key, err := c.checkKey(L)
	if err != nil {
		return nil, err
	}
	ttl, err := c.checkTTL(L, 3)
	if err != nil {
		return nil, err
	}
	ent, err := c.send(L, "setTTL", &backend.Request{
		Method: "GET", Endpoint: backend.Keys, Key: key, Timeout: c.timeout, Idempotent: true,
	})
	if err != nil {
		return nil, err
	}
	node := nodeOf(ent)
	if ent.RawGetString("status") != lua.LNumber(200) || node == nil {
		return ent, nil
	}
	query := []backend.Param{{Name: "prevExist", Value: "true"}}
	var form []backend.Param
	if isDir(node) {
		form = []backend.Param{{Name: "ttl", Value: ttlParam(ttl)}, {Name: "dir", Value: "true"}}
	} else {
		value := lua.LVAsString(node.RawGetString("value"))
		if idx, ok := node.RawGetString("modifiedIndex").(lua.LNumber); ok {
			query = append(query, backend.Param{Name: "prevIndex", Value: formatUint(idx)})
		}
		query = append(query, backend.Param{Name: "prevValue", Value: value})
		form = []backend.Param{{Name: "ttl", Value: ttlParam(ttl)}, {Name: "value", Value: value}}
	}
	return c.send(L, "setTTL", &backend.Request{
		Method: "PUT", Endpoint: backend.Keys, Key: key, Query: query, Form: form, Timeout: c.timeout,
	})
}
