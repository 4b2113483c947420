package luaetcd

import (
	"fmt"
	"strings"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2http"
	lua "github.com/yuin/gopher-lua"
)

// WithKeyJail confines every client built in the state to the subtree
// root of etcd's key space. The jail is enforced below the Lua layer, on
// the operations sent to etcd (package internal/jail), so it holds
// whatever a script does:
//
//   - every key goes below root: ".." stops at the jail's root, "//"
//     collapses, "%2e%2e" is a key name and not a path step, keys with a
//     NUL byte are refused; a script's prefix option applies inside the
//     jail;
//   - answers show keys relative to the jail: a listing of "/" is the
//     jail's contents, node.key of /tenant/a/x is "/x", and errors name
//     "/" rather than the jail's parents; the jail's root is read only,
//     as etcd's root is;
//   - statistics (which name the members and the leader), the admin
//     config and the machines lists, and member removal fail with nil,
//     err; version and initFailoverURIs work;
//   - Etcd.new refuses, with nil, err, the options that would choose
//     another cluster or identity: host, peer or endpoints other than the
//     host's, and user, password, cacert, cert and key; max_body_size can
//     only lower the host's limit.
//
// Not hidden: etcd's cluster-wide index (a script sees other tenants'
// write rate in X-Etcd-Index and modifiedIndex) and the cluster ID. Give
// the state WithSandbox too, or a script could talk to etcd by other
// means (socket, io, os.execute).
func WithKeyJail(root string) Option { return func(c *config) { c.jail = root } }

// jailedOptions are the Etcd.new options that choose the cluster or the
// identity; under a key jail only the host decides them.
var jailedOptions = []string{"host", "peer", "endpoints", "user", "password", "cacert", "cert", "key"}

// checkJailedOptions refuses the options a jailed script may not set. A
// host or peer equal to the host's own is accepted, so that lua-etcd
// scripts that name the usual host keep working.
func (cfg *config) checkJailedOptions(opts *lua.LTable) error {
	if cfg.jail == "" {
		return nil
	}
	for _, name := range jailedOptions {
		v := opts.RawGetString(name)
		if v == lua.LNil {
			continue
		}
		if str, ok := v.(lua.LString); ok {
			switch name {
			case "host":
				if sameURL(string(str), cfg.defaultHost()) {
					continue
				}
			case "peer":
				if sameURL(string(str), cfg.defaultPeer()) {
					continue
				}
			}
		}
		return errArg(fmt.Sprintf("opts.%s is not allowed in a key jail: the host chooses the cluster and the credentials", name))
	}
	return nil
}

func (cfg *config) defaultHost() string {
	if len(cfg.endpoints) > 0 {
		return cfg.endpoints[0]
	}
	return backend.DefaultHost
}

func (cfg *config) defaultPeer() string {
	if cfg.peer != "" {
		return cfg.peer
	}
	return defaultPeer
}

func sameURL(a, b string) bool {
	return strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}

// restricted reports whether scripts are untrusted (a sandbox or a key
// jail): they may then lower the host's limits but not raise them.
func (cfg *config) restricted() bool { return cfg.sandbox || cfg.jail != "" }

// hostMaxBody is the response size limit the host set, or the default.
func (cfg *config) hostMaxBody() int64 {
	if cfg.maxBody > 0 {
		return cfg.maxBody
	}
	return v2http.DefaultMaxBodySize
}
