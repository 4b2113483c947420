//go:build tools

// Package etcd37 pins the etcd 3.7.3 server so the tests can run a real
// etcd without the v2 API as a separate process. It is its own module:
// the main module keeps etcd 3.5 for its embedded server, and go vet or
// go test ./... at the top level do not descend into it.
//
// .ci/run builds the server with
//
//	cd tools/etcd37 && go build -o ../../.cache/etcd-3.7.3/etcd go.etcd.io/etcd/server/v3
//
// (go install pkg@version refuses the server module because its go.mod
// has replace directives.)
package etcd37

import _ "go.etcd.io/etcd/server/v3"
