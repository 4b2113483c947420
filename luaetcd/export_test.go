package luaetcd

import (
	"github.com/luaetcd/go-luaetcd/internal/backend"
	lua "github.com/yuin/gopher-lua"
)

// WithBackend makes every client of the state use be instead of its own
// v2 HTTP backend. It exists for tests only (this file is compiled only
// with them): it runs the Lua layer on the fake backend.
func WithBackend(be backend.Backend) Option { return func(c *config) { c.backend = be } }

// IsClient reports whether v is a client made by Etcd.new.
func IsClient(v lua.LValue) bool { return clientOf(v) != nil }
