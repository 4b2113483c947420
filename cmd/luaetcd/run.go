package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// Exit statuses.
const (
	exitOK          = 0
	exitError       = 1   // a Lua error, or the embedded etcd failed
	exitUsage       = 1   // a bad command line; lua5.1 uses 1 too
	exitInterrupted = 130 // SIGINT or SIGTERM stopped the script (128+SIGINT)
)

// progName prefixes the runner's messages, as "lua" does lua's.
const progName = "luaetcd"

// config is everything run takes from the outside world, so that tests can
// call run in-process.
type config struct {
	Args            []string                    // as os.Args: the program name first
	Env             func(string) (string, bool) // as os.LookupEnv; nil means an empty environment
	Stdin           io.Reader
	Stdout          io.Writer // print() writes here
	Stderr          io.Writer
	StdinIsTerminal bool // no script and no -e: prompt rather than run stdin
	// LineEditing: stdin and stdout are the process's own and both a
	// terminal, so the prompt edits lines and keeps a history (liner,
	// which works on os.Stdin and os.Stdout themselves).
	LineEditing bool
	// Context is cancelled on SIGINT/SIGTERM; the script then stops and
	// run returns exitInterrupted. nil means never.
	Context context.Context
	// Options are added after those from the command line (tests).
	Options []luaetcd.Option
	// Exit ends the process when a script overran --budget in one call
	// (see watchBudget); nil means os.Exit.
	Exit func(int)
}

// runner is one run's state.
type runner struct {
	cfg    config
	L      *lua.LState
	parent context.Context // cfg.Context, also cancelled by Ctrl-C at the prompt
	// interrupt cancels parent: the run then ends as after SIGINT.
	interrupt context.CancelFunc
	cancel    context.CancelFunc // stops the script, for os.exit
	exiting   bool               // os.exit was called
	exitCode  int
	stdin     *bufio.Reader
	lines     lineReader // the prompt's input, set when the prompt starts
	// budget is --budget, and budgetCtx the context it ends.
	budget    time.Duration
	budgetCtx context.Context
}

// run runs the command line in cfg and returns the exit status.
func run(cfg config) int {
	if cfg.Env == nil {
		cfg.Env = func(string) (string, bool) { return "", false }
	}
	if cfg.Stdin == nil {
		cfg.Stdin = strings.NewReader("")
	}
	if cfg.Stdout == nil {
		cfg.Stdout = io.Discard
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	if cfg.Context == nil {
		cfg.Context = context.Background()
	}
	if len(cfg.Args) == 0 {
		cfg.Args = []string{progName}
	}

	inv, err := parseArgs(cfg.Args)
	if err == nil {
		err = checkFlags(inv.flags)
	}
	if err != nil {
		fmt.Fprintf(cfg.Stderr, "%s: %v\n", progName, err)
		io.WriteString(cfg.Stderr, usageText(progName))
		return exitUsage
	}
	if inv.help {
		io.WriteString(cfg.Stdout, usageText(progName))
		return exitOK
	}
	envSettings, err := settingsFromEnv(cfg.Env)
	if err != nil {
		fmt.Fprintf(cfg.Stderr, "%s: %v\n", progName, err)
		return exitUsage
	}
	s := merge(envSettings, inv.flags)
	if err := s.resolve(cfg.Context, cfg.StdinIsTerminal); err != nil {
		fmt.Fprintf(cfg.Stderr, "%s: %v\n", progName, err)
		if cfg.Context.Err() != nil {
			return exitInterrupted
		}
		return exitUsage
	}

	if s.embed {
		srv, err := startEmbedded(s.dataDir)
		if err != nil {
			fmt.Fprintf(cfg.Stderr, "%s: %v\n", progName, err)
			return exitError
		}
		defer func() {
			// Idle connections that never carried a request would hold
			// etcd's listener until they time out.
			luaetcd.CloseIdleConnections()
			srv.stop()
		}()
		s.endpoints = []string{srv.clientURL}
		s.peer = &srv.peerURL
		if s.verbose {
			dir := srv.dir
			if s.dataDir == "" {
				dir += ", removed at exit"
			}
			fmt.Fprintf(cfg.Stderr, "%s: embedded etcd at %s (peer %s, data %s)\n",
				progName, srv.clientURL, srv.peerURL, dir)
		}
	}

	if s.verbose {
		// Which API Etcd.new() without api will use, and why; the
		// answer is remembered, so the clients do not ask again.
		api, why, err := luaetcd.ChooseAPI(cfg.Context, append(connOptions(s), cfg.Options...)...)
		if err == nil {
			fmt.Fprintf(cfg.Stderr, "%s: etcd API %s (%s)\n", progName, api, why)
		}
	}
	r := &runner{cfg: cfg, stdin: bufio.NewReader(cfg.Stdin)}
	parent, interrupt := context.WithCancel(cfg.Context)
	defer interrupt()
	r.parent, r.interrupt = parent, interrupt
	// --budget bounds the whole run: gopher-lua checks the context before
	// every instruction, and every etcd call honours it.
	ctx, cancel := context.WithCancel(parent)
	if s.budget > 0 {
		cancel()
		ctx, cancel = context.WithTimeout(parent, s.budget)
		r.budget, r.budgetCtx = s.budget, ctx
		defer r.watchBudget(ctx)()
	}
	defer cancel()
	r.cancel = cancel
	opts := connOptions(s)
	if s.trace {
		opts = append(opts, luaetcd.WithRequestHook((&tracer{w: cfg.Stderr}).hook))
	}
	r.L = luaetcd.NewState(ctx, append(opts, cfg.Options...)...)
	defer r.L.Close()
	r.setupState()
	return r.main(inv)
}

// embedded is a running etcd started by --embed.
type embedded struct {
	clientURL, peerURL, dir string
	stop                    func()
}

// checkFlags rejects combinations of long options that make no sense.
func checkFlags(f settings) error {
	if f.embed && f.endpoints != nil {
		return usagef("'--embed' and '--endpoints' exclude each other")
	}
	if f.embed && f.peer != nil {
		return usagef("'--embed' and '--peer' exclude each other")
	}
	if f.dataDir != "" && !f.embed {
		return usagef("'--data-dir' needs '--embed'")
	}
	return nil
}

// connOptions turns the settings into the etcd module's defaults.
func connOptions(s settings) []luaetcd.Option {
	var opts []luaetcd.Option
	if len(s.endpoints) > 0 {
		opts = append(opts, luaetcd.WithEndpoints(s.endpoints...))
	}
	if s.peer != nil {
		opts = append(opts, luaetcd.WithPeer(*s.peer))
	}
	if s.prefix != nil {
		opts = append(opts, luaetcd.WithPrefix(*s.prefix))
	}
	if s.timeout != nil {
		opts = append(opts, luaetcd.WithTimeout(*s.timeout))
	}
	if s.stall != nil {
		opts = append(opts, luaetcd.WithStallTimeout(*s.stall))
	}
	if s.api != nil {
		opts = append(opts, luaetcd.WithAPI(*s.api))
	}
	if s.tlsConfig != nil {
		opts = append(opts, luaetcd.WithTLSConfig(s.tlsConfig))
	}
	if s.auth {
		opts = append(opts, luaetcd.WithBasicAuth(s.authUser, s.pass))
	}
	if s.sandbox {
		opts = append(opts, luaetcd.WithSandbox())
	}
	if s.jail != nil {
		opts = append(opts, luaetcd.WithKeyJail(*s.jail))
	}
	return opts
}

// setupState makes the state fit a command line: print writes to
// cfg.Stdout, os.exit unwinds instead of killing the process, and
// package.path and package.cpath follow LUA_PATH and LUA_CPATH from
// cfg.Env, with Lua 5.1's defaults.
func (r *runner) setupState() {
	L := r.L
	L.SetGlobal("print", L.NewFunction(lua51.NewPrint(r.cfg.Stdout)))
	if os, ok := L.GetGlobal("os").(*lua.LTable); ok {
		os.RawSetString("exit", L.NewFunction(r.osExit))
	}
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		path, cpath := lua51.PathDefault, lua51.CPathDefault
		if v, ok := r.cfg.Env(lua.LuaPath); ok {
			path = lua51.ExpandPath(v, path) // ";;" stands for the default
		}
		if v, ok := r.cfg.Env("LUA_CPATH"); ok {
			cpath = lua51.ExpandPath(v, cpath)
		}
		pkg.RawSetString("path", lua.LString(path))
		pkg.RawSetString("cpath", lua.LString(cpath))
	}
}

// exitSignal is the error value os.exit raises to unwind the script.
const exitSignal = "<os.exit>"

// osExit replaces gopher-lua's os.exit, which calls Go's os.Exit at once:
// it records the status, cancels the script's context (so even a pcall
// that catches the error cannot go on) and raises an error that the
// runner recognises, so that deferred cleanup (closing the state,
// stopping the embedded etcd) runs.
func (r *runner) osExit(L *lua.LState) int {
	code := exitOK
	switch v := L.Get(1).(type) {
	case lua.LBool: // as Lua 5.2: true is success, false failure
		if !v {
			code = exitError
		}
	default:
		code = L.OptInt(1, exitOK)
	}
	r.exiting, r.exitCode = true, code
	r.cancel()
	L.RaiseError(exitSignal)
	return 0
}

// main runs the invocation in lua5.1's order: LUA_INIT, -v, the -e and -l
// options, the script, then the prompt or stdin.
func (r *runner) main(inv *invocation) int {
	if code, done := r.luaInit(); done {
		return code
	}
	if inv.version {
		fmt.Fprintln(r.cfg.Stderr, versionLine())
	}
	for _, a := range inv.actions {
		var err error
		if a.kind == 'e' {
			err = r.doString(a.text, "(command line)")
		} else {
			err = r.doRequire(a.text)
		}
		if code, done := r.report(err, progName); done {
			return code
		}
	}
	if inv.script > 0 {
		if code, done := r.report(r.doScript(inv), progName); done {
			return code
		}
	}
	if inv.interactive {
		return r.repl()
	}
	if inv.script == 0 && !inv.hasE && !inv.version {
		if r.cfg.StdinIsTerminal {
			fmt.Fprintln(r.cfg.Stderr, versionLine())
			return r.repl()
		}
		err := r.doChunk(r.stdin, "stdin", nil)
		if code, done := r.report(err, progName); done {
			return code
		}
	}
	return r.finalStatus(exitOK)
}

// finalStatus is the status once everything ran without a Lua error: a
// caught os.exit or interrupt still decides it.
func (r *runner) finalStatus(code int) int {
	if r.exiting {
		return r.exitCode
	}
	if r.parent.Err() != nil {
		fmt.Fprintf(r.cfg.Stderr, "%s: interrupted!\n", progName)
		return exitInterrupted
	}
	return code
}

func (r *runner) luaInit() (int, bool) {
	init, ok := r.cfg.Env("LUA_INIT")
	if !ok {
		return 0, false
	}
	var err error
	if strings.HasPrefix(init, "@") {
		err = r.doFile(init[1:], nil)
	} else {
		err = r.doString(init, "LUA_INIT")
	}
	return r.report(err, progName)
}

func (r *runner) doString(code, name string) error {
	return r.doChunk(strings.NewReader(code), name, nil)
}

func (r *runner) doRequire(name string) error {
	L := r.L
	L.Push(L.GetGlobal("require"))
	L.Push(lua.LString(name))
	return r.call(1, 0)
}

// doScript sets the global arg as lua5.1 does and runs the script with
// its arguments as "...".
func (r *runner) doScript(inv *invocation) error {
	L := r.L
	args := r.cfg.Args
	n := inv.script
	t := L.CreateTable(len(args)-n-1, n+1)
	for i, a := range args {
		t.RawSetInt(i-n, lua.LString(a))
	}
	L.SetGlobal("arg", t)
	var scriptArgs []lua.LValue
	for _, a := range args[n+1:] {
		scriptArgs = append(scriptArgs, lua.LString(a))
	}
	name := args[n]
	if name == "-" && args[n-1] != "--" {
		return r.doChunk(r.stdin, "stdin", scriptArgs)
	}
	return r.doFile(name, scriptArgs)
}

func (r *runner) doFile(name string, args []lua.LValue) error {
	f, err := os.Open(name)
	if err != nil {
		return fileError(name, err)
	}
	defer f.Close()
	return r.doChunk(f, name, args)
}

// fileError words a failure to open a script as lua5.1 does.
func fileError(name string, err error) error {
	var errno syscall.Errno
	msg := err.Error()
	if errors.As(err, &errno) {
		msg = errno.Error()
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	} else if pe, ok := err.(*fs.PathError); ok {
		msg = pe.Err.Error()
	}
	return &lua.ApiError{Type: lua.ApiErrorFile, Object: lua.LString(fmt.Sprintf("cannot open %s: %s", name, msg))}
}

// doChunk loads a chunk (skipping a first line starting with '#', as
// luaL_loadfile does) and calls it with args.
func (r *runner) doChunk(rd io.Reader, name string, args []lua.LValue) error {
	src, err := io.ReadAll(rd)
	if err != nil {
		return &lua.ApiError{Type: lua.ApiErrorFile, Object: lua.LString(fmt.Sprintf("cannot read %s: %v", name, err))}
	}
	if len(src) > 0 && src[0] == '#' {
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			src = src[i:]
		} else {
			src = nil
		}
	}
	fn, err := r.load(string(src), name)
	if err != nil {
		return err
	}
	r.L.Push(fn)
	for _, a := range args {
		r.L.Push(a)
	}
	return r.call(len(args), 0)
}

// load compiles src, rewording gopher-lua's syntax errors the Lua 5.1 way:
// "name:line: message near 'token'".
func (r *runner) load(src, name string) (*lua.LFunction, error) {
	fn, err := r.L.Load(strings.NewReader(src), name)
	if err == nil {
		return fn, nil
	}
	var ae *lua.ApiError
	var pe *parse.Error
	if errors.As(err, &ae) && errors.As(ae.Cause, &pe) {
		line, tok := pe.Pos.Line, pe.Token
		if line == parse.EOF {
			line, tok = strings.Count(src, "\n")+1, "<eof>"
		}
		msg := fmt.Sprintf("%s:%d: %s near '%s'", name, line, pe.Message, tok)
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(msg), Cause: pe}
	}
	return nil, err
}

// call calls the function below the nargs arguments on the stack, keeping
// nret results (lua.MultRet: all). A stack overflow is reported as lua5.1
// reports it (lua51.FixError).
func (r *runner) call(nargs, nret int) error {
	return lua51.FixError(r.L.PCall(nargs, nret, nil))
}

// report prints err the way lua5.1 does ("prefix: msg" and the traceback;
// no prefix when prefix is ""). done is true when the run must stop, with
// the status to exit with.
func (r *runner) report(err error, prefix string) (code int, done bool) {
	if r.exiting {
		return r.exitCode, true
	}
	if r.parent.Err() != nil {
		fmt.Fprintf(r.cfg.Stderr, "%s: interrupted!\n", progName)
		return exitInterrupted, true
	}
	if r.budgetCtx != nil && r.budgetCtx.Err() != nil {
		fmt.Fprintf(r.cfg.Stderr, "%s: stopped: the script used up its budget of %v\n", progName, r.budget)
		return exitError, true
	}
	if err == nil {
		return exitOK, false
	}
	if msg, ok := errorText(err); ok {
		// gopher-lua words some errors raised from Go with a leading
		// space (" module x not found"); lua has none.
		msg = strings.TrimPrefix(msg, " ")
		if prefix != "" {
			msg = prefix + ": " + msg
		}
		fmt.Fprintln(r.cfg.Stderr, msg)
	}
	return exitError, true
}

// errorText is what lua5.1 prints for an error: a string or number message
// with the traceback, "(error object is not a string)", or nothing for nil.
func errorText(err error) (string, bool) {
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		return err.Error(), true
	}
	switch obj := ae.Object.(type) {
	case lua.LString, lua.LNumber:
		msg := lua.LVAsString(obj)
		if ae.StackTrace != "" && (ae.Type == lua.ApiErrorRun || ae.Type == lua.ApiErrorError || ae.Type == lua.ApiErrorPanic) {
			msg += "\n" + ae.StackTrace
		}
		return msg, true
	case *lua.LNilType:
		return "", false
	default:
		if obj == lua.LNil {
			return "", false
		}
		return "(error object is not a string)", true
	}
}

// versionLine is printed by -v and before the prompt.
func versionLine() string {
	v, glua := "(devel)", "gopher-lua"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == "github.com/yuin/gopher-lua" {
				glua += " " + d.Version
			}
		}
	}
	return fmt.Sprintf("luaetcd %s  Lua 5.1 (%s), lua-etcd 0.12 API", v, glua)
}
