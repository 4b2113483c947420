//go:build !noembed

package main

import "github.com/luaetcd/go-luaetcd/internal/embedetcd"

// embedAvailable says whether this binary can start an etcd of its own.
const embedAvailable = true

// startEmbedded starts a real etcd (3.5, v2 API) in the process for
// --embed. Linking etcd's server costs start-up time (its packages'
// initialisation), so a binary built with -tags noembed leaves it out.
func startEmbedded(dataDir string) (*embedded, error) {
	srv, err := embedetcd.Start(embedetcd.Config{Dir: dataDir})
	if err != nil {
		return nil, err
	}
	return &embedded{
		clientURL: srv.ClientURL,
		peerURL:   srv.PeerURL,
		dir:       srv.Etcd.Config().Dir,
		stop:      srv.Close,
	}, nil
}
