package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
)

// invocation is the command line, understood the way lua5.1's collectargs
// understands it, plus the runner's long options.
type invocation struct {
	// script is the index in args of the script ("-" for stdin), 0 when
	// there is none. Everything before it is the interpreter and options.
	script      int
	interactive bool // -i
	version     bool // -v (and -i, as in lua5.1)
	hasE        bool // some -e was given
	help        bool // --help
	// actions are the -e and -l options, to run in order.
	actions []action
	// flags are the long options; only those set are non-nil.
	flags settings
}

type action struct {
	kind byte // 'e' or 'l'
	text string
}

// usageError is a bad command line: reported with the usage text and
// exitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error {
	return &usageError{fmt.Sprintf(format, a...)}
}

// settings are the connection defaults and embedding choices, from the
// long options or the environment. A nil pointer means "not given".
type settings struct {
	endpoints []string // nil when not given
	peer      *string
	prefix    *string
	timeout   *time.Duration
	stall     *time.Duration // --stall-timeout; 0 turns the rule off
	api       *string        // v2, v3 or auto
	embed     bool
	dataDir   string
	verbose   bool
	trace     bool // --trace, LUAETCD_TRACE: one line per request on stderr
	// TLS files (--cacert, --cert, --key; LUAETCD_CACERT...) and the etcd
	// user (--user NAME[:PASSWORD]; LUAETCD_USER). password comes only
	// from the environment (LUAETCD_PASSWORD, ETCDCTL_PASSWORD), never
	// from a flag, so it stays out of the process listing.
	cacert, cert, key *string
	user, password    *string
	// Untrusted scripts: --sandbox, --jail PREFIX, --budget SECONDS.
	sandbox bool
	jail    *string
	budget  time.Duration // 0: none

	// Filled in by resolve from the above.
	tlsConfig      *tls.Config
	authUser, pass string
	auth           bool
}

// longOption is one --name option. Long options are only recognised
// before the script; lua's own options are all single letters, so they
// cannot clash.
type longOption struct {
	name string
	arg  string // "" for a switch
	help string
	set  func(s *settings, v string) error
}

var longOptions = []longOption{
	{"endpoints", "URL[,URL...]", "etcd client URLs for Etcd.new() without host:\n" +
		"the first is the host, the rest the failover list",
		func(s *settings, v string) error {
			eps, err := parseEndpoints(v)
			s.endpoints = eps
			return err
		}},
	{"peer", "URL", "etcd peer URL for Etcd.new() without peer", func(s *settings, v string) error {
		u, err := parseURL(v)
		s.peer = &u
		return err
	}},
	{"prefix", "P", "key prefix for Etcd.new() without prefix", func(s *settings, v string) error {
		s.prefix = &v
		return nil
	}},
	{"timeout", "SECONDS", "request timeout for Etcd.new() without timeout\n(0: none)",
		func(s *settings, v string) error {
			d, err := parseTimeout(v)
			s.timeout = &d
			return err
		}},
	{"stall-timeout", "SECONDS", "how long a request waits for a member to begin\n" +
		"answering before it counts as silent: a read goes\n" +
		"on to the next endpoint (default: a third of the\n" +
		"timeout, at most 2; 0: never)",
		func(s *settings, v string) error {
			d, err := parseTimeout(v)
			s.stall = &d
			return err
		}},
	{"api", "v2|v3|auto", "etcd API for Etcd.new() without api (default auto:\n" +
		"v2 where the cluster serves it, else v3)",
		func(s *settings, v string) error {
			if err := checkAPI(v); err != nil {
				return err
			}
			s.api = &v
			return nil
		}},
	{"embed", "", "run a real etcd in this process for the script\n(endpoints and peer point at it)",
		func(s *settings, v string) error {
			s.embed = true
			return nil
		}},
	{"data-dir", "DIR", "keep the --embed etcd's data in DIR\n(default: a temporary directory, removed after)",
		func(s *settings, v string) error {
			if v == "" {
				return fmt.Errorf("empty directory")
			}
			s.dataDir = v
			return nil
		}},
	{"verbose", "", "notes on stderr (where the --embed etcd listens,\nwhich etcd API is used and why)", func(s *settings, v string) error {
		s.verbose = true
		return nil
	}},
	{"trace", "", "one line per etcd request on stderr: method, URL,\n" +
		"status or the whole error, duration (also LUAETCD_TRACE=1)",
		func(s *settings, v string) error {
			s.trace = true
			return nil
		}},
	{"cacert", "FILE", "CA certificate (PEM) that signed the servers'\ncertificates, for https:// endpoints",
		func(s *settings, v string) error { return setFile(&s.cacert, v) }},
	{"cert", "FILE", "client certificate (PEM), for servers that\nrequire one; needs --key",
		func(s *settings, v string) error { return setFile(&s.cert, v) }},
	{"key", "FILE", "private key (PEM) of --cert",
		func(s *settings, v string) error { return setFile(&s.key, v) }},
	{"user", "NAME", "etcd user for basic auth; the password comes from\n" +
		"LUAETCD_PASSWORD or, on a terminal, a prompt\n" +
		"(NAME:PASSWORD works too, but shows in ps)",
		func(s *settings, v string) error {
			if v == "" {
				return fmt.Errorf("empty user")
			}
			s.user = &v
			return nil
		}},
	{"sandbox", "", "run the script with only the safe libraries\n" +
		"(no io, os.execute, loadfile, debug, file modules)",
		func(s *settings, v string) error {
			s.sandbox = true
			return nil
		}},
	{"jail", "PREFIX", "confine every client to the keys below PREFIX;\n" +
		"scripts cannot choose another host or identity",
		func(s *settings, v string) error {
			if strings.Trim(v, "/") == "" {
				return fmt.Errorf("want a prefix below the root, e.g. /tenant/a")
			}
			if strings.IndexByte(v, 0) >= 0 {
				return fmt.Errorf("NUL in prefix")
			}
			s.jail = &v
			return nil
		}},
	{"budget", "SECONDS", "stop the script after this much wall-clock time",
		func(s *settings, v string) error {
			d, err := parseTimeout(v)
			if err == nil && d == 0 {
				err = fmt.Errorf("bad budget %q: want seconds > 0", v)
			}
			s.budget = d
			return err
		}},
	{"help", "", "print this help on stdout and exit", nil},
}

// parseArgs reads args (args[0] is the program name) like lua5.1 does:
// options up to the first argument that does not start with '-', or up to
// "-" (stdin) or after "--".
func parseArgs(args []string) (*invocation, error) {
	inv := &invocation{}
	for i := 1; i < len(args); i++ {
		a := args[i]
		if len(a) == 0 || a[0] != '-' {
			inv.script = i
			return inv, nil
		}
		if len(a) == 1 { // "-": stdin is the script
			inv.script = i
			return inv, nil
		}
		switch a[1] {
		case '-':
			if len(a) == 2 { // "--": the next argument is the script
				if i+1 < len(args) {
					inv.script = i + 1
				}
				return inv, nil
			}
			n, err := parseLong(args, i, inv)
			if err != nil {
				return nil, err
			}
			i = n
		case 'i':
			if len(a) != 2 {
				return nil, usagef("unrecognized option '%s'", a)
			}
			inv.interactive, inv.version = true, true
		case 'v':
			if len(a) != 2 {
				return nil, usagef("unrecognized option '%s'", a)
			}
			inv.version = true
		case 'e', 'l':
			text := a[2:]
			if text == "" {
				i++
				if i >= len(args) {
					return nil, usagef("'%s' needs argument", a)
				}
				text = args[i]
			}
			if a[1] == 'e' {
				inv.hasE = true
			}
			inv.actions = append(inv.actions, action{a[1], text})
		default:
			return nil, usagef("unrecognized option '%s'", a)
		}
	}
	return inv, nil
}

// parseLong handles the long option at args[i] and returns the index of
// the last argument it used.
func parseLong(args []string, i int, inv *invocation) (int, error) {
	name, val, hasVal := strings.Cut(args[i][2:], "=")
	var opt *longOption
	for k := range longOptions {
		if longOptions[k].name == name {
			opt = &longOptions[k]
		}
	}
	if opt == nil {
		return 0, usagef("unrecognized option '--%s'", name)
	}
	if opt.name == "help" {
		inv.help = true
		return i, nil
	}
	if opt.arg == "" {
		if hasVal {
			return 0, usagef("'--%s' takes no argument", name)
		}
	} else if !hasVal {
		i++
		if i >= len(args) {
			return 0, usagef("'--%s' needs argument", name)
		}
		val = args[i]
	}
	if err := opt.set(&inv.flags, val); err != nil {
		return 0, usagef("bad argument to '--%s' (%v)", name, err)
	}
	return i, nil
}

func setFile(dst **string, v string) error {
	if v == "" {
		return fmt.Errorf("empty file name")
	}
	*dst = &v
	return nil
}

// envVar returns LUAETCD_<name>, or ETCDCTL_<name> when that is unset, and
// which of them it was. Empty values count as unset.
func envVar(env func(string) (string, bool), name string) (v, from string, ok bool) {
	for _, p := range []string{"LUAETCD_", "ETCDCTL_"} {
		if v, ok := env(p + name); ok && v != "" {
			return v, p + name, true
		}
	}
	return "", "", false
}

// settingsFromEnv reads the LUAETCD_* variables (and ETCDCTL_ENDPOINTS,
// _CACERT, _CERT, _KEY, _USER and _PASSWORD when the LUAETCD_ one is
// unset).
func settingsFromEnv(env func(string) (string, bool)) (settings, error) {
	var s settings
	v, ok := env("LUAETCD_ENDPOINTS")
	name := "LUAETCD_ENDPOINTS"
	if !ok {
		v, ok = env("ETCDCTL_ENDPOINTS")
		name = "ETCDCTL_ENDPOINTS"
	}
	if ok && strings.TrimSpace(v) != "" {
		eps, err := parseEndpoints(v)
		if err != nil {
			return s, fmt.Errorf("%s: %v", name, err)
		}
		s.endpoints = eps
	}
	if v, ok := env("LUAETCD_PEER"); ok && v != "" {
		u, err := parseURL(v)
		if err != nil {
			return s, fmt.Errorf("LUAETCD_PEER: %v", err)
		}
		s.peer = &u
	}
	if v, ok := env("LUAETCD_PREFIX"); ok {
		s.prefix = &v
	}
	if v, ok := env("LUAETCD_API"); ok && v != "" {
		if err := checkAPI(v); err != nil {
			return s, fmt.Errorf("LUAETCD_API: %v", err)
		}
		s.api = &v
	}
	if v, ok := env("LUAETCD_TRACE"); ok && v != "" && v != "0" {
		s.trace = true
	}
	if v, ok := env("LUAETCD_TIMEOUT"); ok && v != "" {
		d, err := parseTimeout(v)
		if err != nil {
			return s, fmt.Errorf("LUAETCD_TIMEOUT: %v", err)
		}
		s.timeout = &d
	}
	if v, ok := env("LUAETCD_STALL_TIMEOUT"); ok && v != "" {
		d, err := parseTimeout(v)
		if err != nil {
			return s, fmt.Errorf("LUAETCD_STALL_TIMEOUT: %v", err)
		}
		s.stall = &d
	}
	for _, f := range []struct {
		name string
		dst  **string
	}{{"CACERT", &s.cacert}, {"CERT", &s.cert}, {"KEY", &s.key}, {"USER", &s.user}, {"PASSWORD", &s.password}} {
		if v, _, ok := envVar(env, f.name); ok {
			*f.dst = &v
		}
	}
	return s, nil
}

// merge returns env overridden by whatever the flags set.
func merge(env, flags settings) settings {
	s := env
	if flags.endpoints != nil {
		s.endpoints = flags.endpoints
	}
	if flags.peer != nil {
		s.peer = flags.peer
	}
	if flags.prefix != nil {
		s.prefix = flags.prefix
	}
	if flags.timeout != nil {
		s.timeout = flags.timeout
	}
	if flags.stall != nil {
		s.stall = flags.stall
	}
	if flags.api != nil {
		s.api = flags.api
	}
	for _, f := range []struct{ dst, src **string }{
		{&s.cacert, &flags.cacert}, {&s.cert, &flags.cert}, {&s.key, &flags.key}, {&s.user, &flags.user},
	} {
		if *f.src != nil {
			*f.dst = *f.src
		}
	}
	s.embed, s.dataDir, s.verbose = flags.embed, flags.dataDir, flags.verbose
	s.trace = s.trace || flags.trace
	s.sandbox, s.jail, s.budget = flags.sandbox, flags.jail, flags.budget
	return s
}

// resolve loads the TLS files and settles the user and the password:
// from NAME:PASSWORD, else LUAETCD_PASSWORD (or ETCDCTL_PASSWORD), else,
// when stdin is a terminal, a prompt on the terminal with echo off. A
// password never comes from a flag of its own.
func (s *settings) resolve(ctx context.Context, terminal bool) error {
	if s.cacert != nil || s.cert != nil || s.key != nil {
		tc, err := luaetcd.LoadTLSConfig(deref(s.cacert), deref(s.cert), deref(s.key))
		if err != nil {
			return fmt.Errorf("TLS: %v", err)
		}
		s.tlsConfig = tc
	}
	if s.user == nil {
		return nil
	}
	name, pass, hasPass := strings.Cut(*s.user, ":")
	if name == "" {
		return fmt.Errorf("user: empty name")
	}
	switch {
	case hasPass:
	case s.password != nil:
		pass = *s.password
	case terminal:
		var err error
		if pass, err = readPassword(ctx, "Password for "+name+": "); err != nil {
			return fmt.Errorf("user %s: reading the password: %v", name, err)
		}
	default:
		return fmt.Errorf("user %s: no password: set LUAETCD_PASSWORD, or run on a terminal to be asked", name)
	}
	s.authUser, s.pass, s.auth = name, pass, true
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// parseEndpoints splits a comma-separated list of URLs. "host:port" gets
// http:// in front, as etcdctl allows.
func parseEndpoints(v string) ([]string, error) {
	var eps []string
	for _, p := range strings.Split(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		u, err := parseURL(p)
		if err != nil {
			return nil, err
		}
		eps = append(eps, u)
	}
	if len(eps) == 0 {
		return nil, fmt.Errorf("no URL in %q", v)
	}
	return eps, nil
}

func parseURL(v string) (string, error) {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("bad URL %q", v)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("bad URL %q: want http(s)://host:port", v)
	}
	return strings.TrimSuffix(v, "/"), nil
}

// parseTimeout reads seconds (fractions allowed; 0 means no timeout).
func parseTimeout(v string) (time.Duration, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || f != f || f > 1e9 {
		return 0, fmt.Errorf("bad timeout %q: want seconds >= 0", v)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// usageText is lua5.1's usage, with the runner's long options after it.
func usageText(prog string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: %s [options] [script [args]].\n", prog)
	b.WriteString(`Available options are:
  -e stat  execute string 'stat'
  -l name  require library 'name'
  -i       enter interactive mode after executing 'script'
  -v       show version information
  --       stop handling options
  -        execute stdin and stop handling options
Long options (before the script; --name value or --name=value):
`)
	for _, o := range longOptions {
		head := "--" + o.name
		if o.arg != "" {
			head += " " + o.arg
		}
		lines := strings.Split(o.help, "\n")
		if len(head) > 24 {
			fmt.Fprintf(&b, "  %s\n", head)
			head = ""
		}
		for _, l := range lines {
			fmt.Fprintf(&b, "  %-24s  %s\n", head, l)
			head = ""
		}
	}
	b.WriteString("Environment: LUA_INIT, LUA_PATH, LUAETCD_ENDPOINTS, LUAETCD_PEER, LUAETCD_PREFIX,\n" +
		"LUAETCD_TIMEOUT, LUAETCD_STALL_TIMEOUT, LUAETCD_API, LUAETCD_CACERT, LUAETCD_CERT,\n" +
		"LUAETCD_KEY, LUAETCD_USER, LUAETCD_PASSWORD, LUAETCD_TRACE (ETCDCTL_ENDPOINTS, _CACERT,\n" +
		"_CERT, _KEY, _USER, _PASSWORD when the LUAETCD_ one is unset); options win over the\n" +
		"environment.\n")
	return b.String()
}

// checkAPI accepts the values of --api and LUAETCD_API.
func checkAPI(v string) error {
	switch v {
	case luaetcd.APIv2, luaetcd.APIv3, luaetcd.APIAuto:
		return nil
	}
	return fmt.Errorf("%q is not v2, v3 or auto", v)
}
