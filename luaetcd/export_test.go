package luaetcd

import "github.com/luaetcd/go-luaetcd/internal/backend"

// WithBackend makes every client of the state use be instead of its own
// v2 HTTP backend. It exists for tests only (this file is compiled only
// with them): it runs the Lua layer on the fake backend.
func WithBackend(be backend.Backend) Option { return func(c *config) { c.backend = be } }
