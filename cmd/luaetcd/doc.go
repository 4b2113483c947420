// Command luaetcd runs lua-etcd scripts: a Lua 5.1 command line (the
// "lua" program) on gopher-lua, whose scripts find the etcd module of
// lua-etcd 0.12 (require('etcd.luasocket')) and the compat modules it
// needs (util, cjson, path), and luasocket's pure parts (socket with
// gettime and sleep, socket.url, socket.http, ltn12; https requests use
// --cacert, --cert and --key). Scripts written for lua-etcd run unchanged;
// the connection defaults below let a script that calls Etcd.new() with no
// host reach today's cluster without edits.
//
// # Usage
//
//	luaetcd [options] [script [args]]
//
// Options are handled in order, like lua5.1's:
//
//	-e stat   execute the string stat (also attached: -eprint(1))
//	-l name   require(name)
//	-i        enter interactive mode after running the script
//	-v        show version information (on stderr)
//	--        stop handling options; the next argument is the script
//	-         run stdin as the script and stop handling options
//
// With no script, no -e and no -v, luaetcd prompts when stdin is a
// terminal and otherwise runs stdin as a script.
//
// The script gets its arguments as "..." and in the global table arg:
// arg[0] is the script name, arg[1]... its arguments, and arg[-1] down to
// arg[-n] the options and the program name. arg is not set while -e and -l
// run, nor when there is no script.
//
// Long options set the defaults of every client the script builds with
// Etcd.new(); what the script passes to Etcd.new() explicitly wins. They
// come before the script, as --name value or --name=value:
//
//	--endpoints URL[,URL...]  client URLs: the first is the host, the
//	                          others the initial failover list
//	                          ("host:port" means http://host:port)
//	--peer URL                peer URL, used by the admin methods
//	--prefix P                key prefix
//	--timeout SECONDS         request timeout; 0 means none
//	--api v2|v3|auto          the etcd API (default auto: v2 where the
//	                          cluster serves /v2/keys, else v3, which
//	                          etcd 3.6 and later are; --verbose says which
//	                          and why)
//	--embed                   start a real etcd (3.5, v2 API) inside the
//	                          process on free loopback ports, point the
//	                          endpoints and peer at it, run, then stop it
//	--data-dir DIR            with --embed: keep its data in DIR instead
//	                          of a temporary directory removed afterwards
//	--verbose                 say on stderr where the embedded etcd is
//	--cacert FILE             CA certificate (PEM) that signed the servers'
//	                          certificates, for https:// endpoints; without
//	                          it the system's roots are used
//	--cert FILE, --key FILE   client certificate and its private key (PEM),
//	                          for servers that require one (mutual TLS)
//	--user NAME               etcd v2 basic auth as NAME; see Passwords
//	--help                    print the usage on stdout
//
// A script's own opts.cacert, opts.cert, opts.key, opts.user and
// opts.password win over these, as for the other defaults (a script that
// names any TLS file gives its whole TLS set-up). Clients built
// from the same TLS files share one connection pool. Bad TLS files stop
// luaetcd before the script runs ("luaetcd: TLS: cacert: open ca.pem: no
// such file or directory", status 1).
//
// # Passwords
//
// The password of --user NAME is taken, in this order, from:
//
//	--user NAME:PASSWORD      accepted, but anyone on the machine can read
//	                          it in ps or /proc/PID/cmdline: avoid it
//	LUAETCD_PASSWORD          then ETCDCTL_PASSWORD, as etcdctl reads it
//	a prompt                  when stdin is a terminal: "Password for NAME: "
//	                          on /dev/tty, typed without echo
//
// With none of these luaetcd stops with "luaetcd: user NAME: no password".
// A password in the environment is only used with a user (--user,
// LUAETCD_USER or ETCDCTL_USER), and is readable by the same user and
// root in /proc/PID/environ; a file only you can read, sourced by the
// shell that starts luaetcd, keeps it out of the shell's history. The
// password never appears in luaetcd's messages or the scripts' error
// texts.
//
// # Interactive mode
//
// The prompt is "> " (the global _PROMPT), and ">> " (_PROMPT2) while a
// statement is incomplete. A line "=expr" prints the value of expr; values
// a statement returns are printed. Errors are printed and the prompt comes
// back. End of input (Ctrl-D) leaves.
//
// # Environment
//
//	LUA_INIT            run before anything else: "@file" runs the file,
//	                    anything else is Lua code
//	LUA_PATH            package.path for require; ";;" stands for the
//	                    default path (Lua 5.1's)
//	LUA_CPATH           package.cpath, listed in require's errors only
//	LUAETCD_ENDPOINTS   as --endpoints
//	ETCDCTL_ENDPOINTS   as --endpoints, when LUAETCD_ENDPOINTS is unset
//	LUAETCD_PEER        as --peer
//	LUAETCD_PREFIX      as --prefix
//	LUAETCD_TIMEOUT     as --timeout
//	LUAETCD_API         as --api
//	LUAETCD_CACERT      as --cacert
//	LUAETCD_CERT        as --cert
//	LUAETCD_KEY         as --key
//	LUAETCD_USER        as --user (NAME, or NAME:PASSWORD)
//	LUAETCD_PASSWORD    the password of the user
//	ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY, ETCDCTL_USER, ETCDCTL_PASSWORD
//	                    as etcdctl reads them, each when its LUAETCD_ one
//	                    is unset or empty
//
// Options win over the environment.
//
// # Errors and signals
//
// An error is printed on stderr as "luaetcd: message" followed by the
// stack traceback, and luaetcd exits with status 1; so does a syntax
// error. os.exit(n) exits with status n after closing the Lua state and
// stopping the embedded etcd. SIGINT (Ctrl-C) or SIGTERM stops the script,
// even one waiting on etcd, and luaetcd exits with status 130; a second
// signal kills it at once.
//
// # Building without --embed
//
// --embed links etcd's server into the binary, and initialising its
// packages costs about 10 ms at every start. For production use, where
// scripts talk to a real cluster, build without it:
//
//	go build -tags noembed ./cmd/luaetcd
//
// That binary starts in about 3 ms and answers --embed with an error.
//
// # Exit status
//
//	0     success
//	1     a Lua error, a bad command line, or the embedded etcd failed
//	n     the script called os.exit(n)
//	130   interrupted by SIGINT or SIGTERM
//
// # Differences from lua5.1
//
// A bad command line gets a one-line reason before the usage text, as in
// Lua 5.2 and later (lua5.1 prints the usage alone). Syntax errors read
// "name:line: syntax error near 'token'" (gopher-lua's parser) rather than
// lua5.1's more specific wording, and tracebacks show Go functions as [G]
// where lua5.1 shows [C]. The prompt has no line editing or history. A
// signal during interactive mode ends luaetcd (status 130) instead of
// returning to the prompt. LUA_INIT runs after the command line has been
// checked and after --embed has started etcd. LUA_CPATH sets
// package.cpath as in lua5.1, but only for require's "no file" lines: C
// modules cannot be loaded (require says so, naming the file it found).
// The -v line names luaetcd and gopher-lua.
//
// # Examples
//
// Run a script against a cluster:
//
//	luaetcd --endpoints http://10.0.0.1:2379,http://10.0.0.2:2379 job.lua
//
// Against a cluster with TLS, client certificates and v2 auth, asking for
// the password:
//
//	luaetcd --endpoints https://etcd1:2379 --cacert ca.pem \
//	    --cert client.pem --key client-key.pem --user ops job.lua
//
// The same with etcdctl's variables, the password from a file:
//
//	export ETCDCTL_ENDPOINTS=https://etcd1:2379 ETCDCTL_CACERT=ca.pem ETCDCTL_USER=ops
//	ETCDCTL_PASSWORD=$(cat ~/.etcd-pw) luaetcd job.lua
//
// Try a script without any etcd installed:
//
//	luaetcd --embed -e "local c = require('etcd.luasocket').new(); print(c:set('/x', 1).status)"
//
// Load a library, then explore:
//
//	luaetcd -l etcd.luasocket -i
package main
