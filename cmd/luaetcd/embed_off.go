//go:build noembed

package main

import "errors"

// embedAvailable says whether this binary can start an etcd of its own.
const embedAvailable = false

// startEmbedded fails: this binary was built with -tags noembed, which
// leaves etcd's server out for a faster start.
func startEmbedded(string) (*embedded, error) {
	return nil, errors.New("--embed is not available: this luaetcd was built with -tags noembed")
}
