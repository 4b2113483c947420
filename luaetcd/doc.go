// Package luaetcd gives gopher-lua scripts the etcd client API of lua-etcd
// 0.12 (the Lua client for the etcd v2 HTTP API), backed by a Go HTTP
// client, so that scripts written for lua-etcd run unchanged against
// today's etcd.
//
// # Go side
//
// Preload registers the Lua modules in a state; NewState builds a state
// ready for lua-etcd scripts; Pool shares states between goroutines:
//
//	L := luaetcd.NewState(ctx, luaetcd.WithEndpoints("http://127.0.0.1:2379"))
//	defer L.Close()
//	err := L.DoString(`
//	    local etcd = require('etcd.luasocket').new()
//	    local res, err = etcd:set('/hello', { who = 'world' })
//	`)
//
// Every call honours the state's context (L.SetContext / NewState's ctx):
// cancelling it ends a blocked wait at once.
//
// For scripts the host did not write, WithSandbox leaves only the safe
// libraries, WithKeyJail confines every client to one subtree of the key
// space (enforced on the operations sent to etcd, below this package), and
// a deadline on the state's context is the run's wall-clock budget. Memory
// cannot be bounded inside the process; the README says what is and is
// not protected.
//
// # Lua side
//
//	local Etcd = require('etcd.luasocket')   -- or require('etcd').new(nil, opts)
//	local cli, err = Etcd.new(opts)
//
// opts (all optional; checked in this order, first failure returned as
// nil, err):
//
//	timeout     seconds per request, unsigned integer, 0 = none (default 60)
//	host        client URL (default http://127.0.0.1:4001, or the host's WithEndpoints)
//	peer        peer URL for the admin API (default http://127.0.0.1:7001)
//	prefix      key prefix, normalized like keys; '' and '/' mean none
//	ttl         default ttl of writes; -1 = none (default)
//	serializer  'json' (default: values are JSON, as lua-etcd) or 'raw' (plain strings)
//	endpoints   list of client URLs: host first (unless host is given), then failover
//	max_body_size  largest response body accepted, in bytes (default 64 MiB)
//	user, password            etcd basic auth (or user:pass@ in a URL, which wins)
//	cacert, cert, key         PEM files for https:// endpoints and client certificates
//
// new does not parse host or peer: any string gives a client, and one
// that cannot be used is the nil, err of the first call that needs it, in
// lua-etcd's words (`unsupported protocol: "ftp"`, `invalid uri format:
// "Parsed text violates expected format"`); a bad peer touches only the
// admin calls.
//
// The client is a plain table, as lua-etcd's: its methods come from its
// (protected) metatable, pairs(cli) yields nothing, and a script may set
// fields on it or override a method on one client (cli.get = function
// (self, key) ... end). The Go side (settings, connections, credentials)
// is neither in the table nor in its metatable, so nothing a script can
// reach leads to it; a method called with another self raises.
//
// Passwords never appear in error texts; RequestInfo and tostring(cli)
// hold no credentials at all.
// Unusable TLS files are Etcd.new's nil, err ("opts.cacert: open ca.pem:
// no such file or directory", "opts.cert: needs key too"); any of them
// replaces the host's WithTLSConfig for that client. Clients given the same
// files (or LoadTLSConfig's result) share one connection pool; files
// changed on disk are read again by the next Etcd.new.
//
// Every method returns the response entity, or nil and an error string;
// none raises on bad arguments:
//
//	cli:get(key [, consistent])                 GET, decodes node.value
//	cli:set(key, val [, ttl])                   PUT value=<json(val)>&ttl=
//	cli:setnx(key, val [, ttl])                 as set, only if the key does not exist
//	cli:setx(key, val [, ttl [, modifiedIndex]]) as set, only if it exists (and has that index)
//	cli:delete(key [, val [, modifiedIndex]])   DELETE, guarded by value and/or index
//	cli:wait(key [, modifiedIndex [, timeout]]) long poll for the next change
//	cli:readdir(key [, recursive [, consistent]]) list a directory (values stay raw)
//	cli:mkdir(key [, ttl]), cli:mkdirnx(key [, ttl])
//	cli:rmdir(key [, recursive])
//	cli:waitdir(key [, modifiedIndex [, timeout]]) long poll below a directory
//	cli:push(key, val [, ttl])                  POST: an in-order key below key
//	cli:setTTL(key [, ttl])                     change the TTL, keeping the value
//	cli:version(), cli:statsLeader(), cli:statsSelf(), cli:statsStore()
//	cli:adminConfig(), cli:setAdminConfig(cfg)  etcd 0.4 only; the server's answer as is
//	cli:adminMachines([name]), cli:removeAdminMachines([name])
//	cli:initFailoverURIs()                      true, or false and the reason
//
// The entity is a table:
//
//	{ status = 200,
//	  header = { ["content-type"] = "application/json", ["x-etcd-index"] = "7", ... },
//	  body   = { action = "get", node = { key = "/a", value = <decoded>, modifiedIndex = 7, ... } } }
//
// header names are lower case (repeats joined with ", "); body is the
// decoded JSON when the answer is JSON, else the raw text; a request that
// timed out is just { status = 408 }. Only get, wait and waitdir decode
// node.value; writes, prevNode and listings keep the stored JSON text.
// readdir of a key (not a directory) answers status 404 with
// body.node.dir = false. header holds every header sent,
// transfer-encoding = "chunked" included. A GET answered with a redirect
// is followed and header.location names where it went; a write answered
// 307 is sent again to the location, the entity carries failover =
// "scheme://host:port" of that server, and the client's later calls go
// there (keys on the host, admin calls on the peer).
//
// A call that had no answer returns nil and lua-etcd's short word for the
// cause, the text of luasocket (or LuaSec, for https), which scripts
// compare:
//
//	connection refused          nothing listens
//	host not found              the name does not resolve
//	closed                      the connection closed or reset (also a
//	                            write not sent again); the state cancelled
//	timeout                     a connect or TLS handshake took too long
//	wrong version number        https to a port that speaks plain HTTP
//	certificate verify failed   the server's certificate is not trusted
//	tlsv13 alert certificate required, sslv3 alert bad certificate, ...
//	                            the server refused ours (OpenSSL's texts)
//	No route to host, ...       another system error (strerror's text)
//	unsupported protocol: "ftp", invalid uri format: "..."
//	                            a host or peer that cannot be used
//
// When every endpoint failed, the word is the last failure's. The whole
// cause (endpoints, the Go error chain) is the Err of RequestInfo.
//
// Argument errors, exactly as lua-etcd words them: "key must be string",
// "ttl must be integer", "modifiedIndex must be unsigned integer",
// "timeout must be unsigned integer" (checked before the index),
// "waitIndex must be unsigned integer", "recursive must be boolean",
// "consistent must be boolean", "name must be string", "cfg must be
// table", "opts.<field> must be uint", "key should not be a slash" (a
// write to the root), and `encoding error: "<cjson message>"` for values
// JSON cannot hold, in lua-cjson 2.1's words: "Cannot serialise function:
// type not supported", "Cannot serialise boolean: table key must be a
// number or string" (the key's type), "Cannot serialise number: must not
// be NaN or Inf", "Cannot serialise table: excessively sparse array",
// "Cannot serialise, excessive nesting (1001)" (also a cycle).
//
// Keys are normalized like paths ("//a/./b/../c/" is "/a/c"; ".." stops
// at the prefix) and every path segment is escaped, so any UTF-8 key
// round-trips. Values are JSON with lua-cjson's rules ('hi' is stored as
// "hi", numbers with 14 significant digits, "/" as "\/"); forms are
// properly encoded.
//
// # Where this differs from lua-etcd on purpose
//
// Keys and form values are escaped (the original corrupted & + = ; # % ?
// and spaces); consistent reads also send quorum=true; wait on a delete or
// expiry returns the entity with node.value nil; a trailing slash in host
// or peer is accepted; setAdminConfig of a non-table is nil, "cfg must be
// table"; connections are kept alive and reused, across clients too; the
// cluster membership is looked up at most once per client per 30 s (the
// original retried on every call), and on etcd 2.x/3.x adminMachines
// answers from /v2/members in the 0.4 shape, so failover works there; an index of
// 2^64 or more gets etcd's own 400 answer (errorCode 203) without a
// request. docs/contract.md in the repository has the whole contract.
//
// # Failover
//
// A client keeps to one endpoint while it works. A refused connection
// moves any request to the next endpoint; a 5xx answer or a connection
// broken after the request was sent moves only idempotent requests (reads,
// waits, plain set and mkdir): setnx, mkdirnx, push, delete and
// compare-and-swap may already have been applied, so their caller gets
// etcd's answer or nil, err and decides. At most two passes over the
// endpoints, with a short backoff, all within the request's timeout; when
// every endpoint answered 5xx the last answer is returned, else the
// last failure's word (RequestInfo names the endpoints). After a failover the members are looked up again
// (at most once per 30 s).
package luaetcd
