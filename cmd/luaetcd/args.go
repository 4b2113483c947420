package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
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
	embed     bool
	dataDir   string
	verbose   bool
	// TLS and authentication go here when they come: cacert, cert, key
	// (-> luaetcd.WithTLSConfig) and user (-> luaetcd.WithBasicAuth), each
	// with a longOptions entry and, where etcdctl has one, an environment
	// variable read in settingsFromEnv.
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
	{"verbose", "", "notes on stderr (where the --embed etcd listens)", func(s *settings, v string) error {
		s.verbose = true
		return nil
	}},
	// Planned, not yet accepted: --cacert FILE, --cert FILE, --key FILE,
	// --user NAME[:PASSWORD]. See settings.
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

// settingsFromEnv reads the LUAETCD_* variables (and ETCDCTL_ENDPOINTS
// when LUAETCD_ENDPOINTS is unset).
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
	if v, ok := env("LUAETCD_TIMEOUT"); ok && v != "" {
		d, err := parseTimeout(v)
		if err != nil {
			return s, fmt.Errorf("LUAETCD_TIMEOUT: %v", err)
		}
		s.timeout = &d
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
	s.embed, s.dataDir, s.verbose = flags.embed, flags.dataDir, flags.verbose
	return s
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
	b.WriteString("Environment: LUA_INIT, LUA_PATH, LUAETCD_ENDPOINTS (or ETCDCTL_ENDPOINTS),\n" +
		"LUAETCD_PEER, LUAETCD_PREFIX, LUAETCD_TIMEOUT; options win over the environment.\n")
	return b.String()
}
