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
//	--stall-timeout SECONDS   how long a request waits for a member to
//	                          begin its answer before the member counts
//	                          as silent (frozen, partitioned): a read goes
//	                          on to the next endpoint, a write answers 408
//	                          when a quick probe is not answered either,
//	                          and later calls avoid the member until it
//	                          answers a health probe; default a third of
//	                          the timeout, at most 2; 0 means never
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
//	--trace                   one line on stderr per request to etcd: the
//	                          operation, method, URL (never credentials),
//	                          status or the whole error, duration,
//	                          which endpoint answered after a failover,
//	                          which one was marked suspect and why, and
//	                          the health probes of suspect endpoints
//	--cacert FILE             CA certificate (PEM) that signed the servers'
//	                          certificates, for https:// endpoints; without
//	                          it the system's roots are used
//	--cert FILE, --key FILE   client certificate and its private key (PEM),
//	                          for servers that require one (mutual TLS)
//	--user NAME               etcd v2 basic auth as NAME; see Passwords
//	--sandbox                 only the safe libraries (see Untrusted scripts)
//	--jail PREFIX             confine every client to the keys below PREFIX
//	--budget SECONDS          stop the script after this wall-clock time
//	--help                    print the usage on stdout
//
// A script's own opts.cacert, opts.cert, opts.key, opts.user and
// opts.password win over these, as for the other defaults (a script that
// names any TLS file gives its whole TLS set-up). Clients built
// from the same TLS files share one connection pool. Bad TLS files stop
// luaetcd before the script runs ("luaetcd: TLS: cacert: open ca.pem: no
// such file or directory", status 1).
//
// # Untrusted scripts
//
// --sandbox gives the script only base (without dofile and loadfile;
// load and loadstring take source text only), string (without dump),
// table, math, coroutine, os.time, os.clock, os.date, os.difftime,
// debug.traceback, and require of the preloaded modules (etcd, util,
// cjson, path, luasocket's parts without network access); any other
// function fails with "NAME is not available in the sandbox". os.exit
// stays: it only ends the script with a status. -l and require load only
// those preloaded modules; LUA_PATH is not searched. LUA_INIT, -e and the
// script itself are read by luaetcd and run in the sandbox.
//
// --jail PREFIX confines every client the script builds to the keys below
// PREFIX, whatever key, prefix or ".." it uses: its "/" is PREFIX, answers
// show keys relative to it, cluster statistics and membership calls fail
// with nil, err, and Etcd.new refuses a host, peer, endpoints, user,
// password or TLS file other than those given to luaetcd. Use both
// flags together: without --sandbox, a script could reach etcd around the
// jail (os.execute, io).
//
// --budget SECONDS stops the script, even in a busy loop or a blocked
// wait, once that much time has passed: "luaetcd: stopped: the script used
// up its budget of 2s", status 1. A single call that runs on (a pattern
// match that backtracks for minutes) cannot be stopped inside the
// process: one second after the budget luaetcd exits with status 1 without
// it, skipping its cleanup (an --embed data directory stays). Memory is
// not limited; see the README.
//
//	luaetcd --sandbox --jail /tenants/acme --budget 30 --endpoints http://etcd:2379 job.lua
//
// # Passwords
//
// The password of --user NAME is taken, in this order, from:
//
//	--user NAME:PASSWORD      accepted, but anyone on the machine can read
//	                          it in ps or /proc/PID/cmdline: avoid it
//	LUAETCD_PASSWORD          then ETCDCTL_PASSWORD, as etcdctl reads it
//	a prompt                  when stdin is a terminal: "Password for NAME: "
//	                          on /dev/tty (on Windows, the console), typed
//	                          without echo
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
// back. End of input (Ctrl-D at an empty prompt) leaves.
//
// When stdin and stdout are a terminal (a console on Windows), the prompt
// edits the line and keeps a history, as lua5.1 built with readline does:
// Left/Right, Home/End (Ctrl-A/Ctrl-E), Ctrl-K/Ctrl-U/Ctrl-W to delete,
// Up/Down to recall earlier lines (those starting with what is already
// typed), Ctrl-R to search them backwards. Every non-empty line entered is
// kept, each line of a multi-line statement on its own; the history lasts
// as long as the session. Ctrl-C at the prompt ends luaetcd with status
// 130, as it does lua5.1. Statements run on the terminal as it was (input
// read by io.read is echoed). With TERM unset or "dumb" the prompt reads
// plain lines; piped or redirected input is read as it comes, with no
// editing.
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
//	LUAETCD_STALL_TIMEOUT as --stall-timeout
//	LUAETCD_API         as --api
//	LUAETCD_CACERT      as --cacert
//	LUAETCD_CERT        as --cert
//	LUAETCD_KEY         as --key
//	LUAETCD_USER        as --user (NAME, or NAME:PASSWORD)
//	LUAETCD_PASSWORD    the password of the user
//	LUAETCD_TRACE       as --trace when set and not "0"
//	ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY, ETCDCTL_USER, ETCDCTL_PASSWORD
//	                    as etcdctl reads them, each when its LUAETCD_ one
//	                    is unset or empty
//
// Options win over the environment.
//
// Scripts see a failed call as lua-etcd showed it, nil and a short word
// ("connection refused", "closed", "host not found", "wrong version
// number", "certificate verify failed"); --trace shows the whole cause:
//
//	luaetcd: trace get GET http://127.0.0.1:4001/v2/keys/a error: dial tcp 127.0.0.1:4001: connect: connection refused 0.2ms
//
// # Errors and signals
//
// An error is printed on stderr as "luaetcd: message" followed by the
// stack traceback, and luaetcd exits with status 1; so does a syntax
// error. os.exit(n) exits with status n after closing the Lua state and
// stopping the embedded etcd. SIGINT (Ctrl-C) or SIGTERM stops the script,
// even one waiting on etcd, and luaetcd exits with status 130; a second
// signal kills it at once. On Windows, Ctrl-C and Ctrl-Break in the console
// do the same (status 130), and so does closing the console window, logging
// off or shutting down (which Go reports as SIGTERM).
//
// # Building without --embed
//
// --embed links etcd's server into the binary, and initialising its
// packages costs about 10 ms at every start. For production use, where
// scripts talk to a real cluster, build without it:
//
//	go build -tags noembed ./cmd/luaetcd
//	go install -tags noembed github.com/luaetcd/go-luaetcd/cmd/luaetcd@latest
//
// That binary starts in about 3 ms and answers --embed with an error.
//
// # Platforms
//
// luaetcd builds for Linux, macOS and Windows (amd64 and arm64), with and
// without noembed; its tests run on Linux.
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
// where lua5.1 shows [C]. The prompt's history holds lines as typed
// ("=x", where lua5.1 keeps "return x"), one entry per line of a
// multi-line statement (lua5.1 keeps the statement as one entry), and
// its editing keys are liner's, close to readline's defaults (Up with
// text typed recalls only lines that start with it). A signal during
// interactive mode ends luaetcd (status 130) instead of returning to the
// prompt. LUA_INIT runs after the command line has been checked and after
// --embed has started etcd. LUA_CPATH sets package.cpath as in lua5.1, but
// only for require's "no file" lines: C modules cannot be loaded (require
// says so, naming the file it found). The -v line names luaetcd and
// gopher-lua.
//
// The state has Lua 5.1's limits and library (package luaetcd/lua51):
// recursion to 20000 nested calls, then "stack overflow" with a traceback
// cut to its first 12 and last 10 levels as lua5.1 does; unpack of up to
// 7997 values; table.concat and string.rep up to 2^31-1 bytes, then
// "string length overflow". debug.sethook cannot set hooks (gopher-lua
// has none) and raises an error; clearing a hook works.
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
