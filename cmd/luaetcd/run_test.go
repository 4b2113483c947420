package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

// runInProcess calls run with an injected environment and streams.
func runInProcess(ctx context.Context, args []string, env map[string]string, stdin string, tty bool) result {
	var stdout, stderr bytes.Buffer
	code := run(config{
		Args: append([]string{"luaetcd"}, args...),
		Env: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		},
		Stdin:           strings.NewReader(stdin),
		Stdout:          &stdout,
		Stderr:          &stderr,
		StdinIsTerminal: tty,
		Context:         ctx,
	})
	return result{stdout.String(), stderr.String(), code}
}

func TestRunInProcess(t *testing.T) {
	cases := []struct {
		cliCase
		env map[string]string
		tty bool
	}{
		{cliCase: cliCase{args: []string{"-e", "print(1, nil, 'x')"}, stdout: "1\tnil\tx\n"}},
		{cliCase: cliCase{args: []string{td + "args.lua", "a"},
			stdout: "-1\tluaetcd\n0\t" + td + "args.lua\n1\ta\nn\t1\ta\n"}},
		{cliCase: cliCase{args: []string{"-e", "print(init)"}, stdout: "42\n"},
			env: map[string]string{"LUA_INIT": "init = 42"}},
		{cliCase: cliCase{args: []string{"-e", "require('mymod') print(mymod_loaded)"}, stdout: "1\n"},
			env: map[string]string{"LUA_PATH": td + "?.lua"}},
		{cliCase: cliCase{args: []string{"-e", "print('a') os.exit(9)"}, stdout: "a\n", code: 9}},
		{cliCase: cliCase{args: []string{"-e", "os.exit(false)"}, code: 1}},
		{cliCase: cliCase{args: []string{"-e", "error('x')"}, stderrHas: []string{"luaetcd: (command line):1: x\nstack traceback:"}, code: 1}},
		{cliCase: cliCase{args: []string{"-q"}, stderrHas: []string{"luaetcd: unrecognized option '-q'\n" + usageHead}, code: exitUsage}},
		{cliCase: cliCase{args: []string{"--help"}, stdout: usageText(progName)}},
		{cliCase: cliCase{stdin: "print('piped')", stdout: "piped\n"}},
		// A terminal on stdin: the banner, then the prompt.
		{cliCase: cliCase{stdin: "=1+1\n", stdout: "> 2\n> \n", stderrHas: []string{"Lua 5.1"}}, tty: true},
		{cliCase: cliCase{args: []string{"-e", "print(1)"}, stdin: "print(2)\n", stdout: "1\n"}, tty: true},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			c.check(t, runInProcess(context.Background(), c.args, c.env, c.stdin, c.tty))
		})
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	r := runInProcess(ctx, []string{"-e", "while true do end"}, nil, "", false)
	cliCase{stderr: "luaetcd: interrupted!\n", code: exitInterrupted}.check(t, r)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestRunCancelledPcallLoop(t *testing.T) {
	// A script that catches the cancellation still ends as interrupted.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	r := runInProcess(ctx, []string{"-e", "local ok = pcall(function() while true do end end) print('caught', ok)"}, nil, "", false)
	cliCase{stderr: "luaetcd: interrupted!\n", code: exitInterrupted, stdout: r.stdout}.check(t, r)
}

func TestSettings(t *testing.T) {
	dur := func(d time.Duration) *time.Duration { return &d }
	str := func(s string) *string { return &s }
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want settings
	}{
		{"nothing", nil, nil, settings{}},
		{"flags", []string{"--endpoints", "http://a:1, b:2/", "--peer=c:3", "--prefix", "/p", "--timeout", "1.5", "--stall-timeout", "0.5"}, nil,
			settings{endpoints: []string{"http://a:1", "http://b:2"}, peer: str("http://c:3"), prefix: str("/p"), timeout: dur(1500 * time.Millisecond), stall: dur(500 * time.Millisecond)}},
		{"env", nil, map[string]string{"LUAETCD_ENDPOINTS": "https://a:1", "ETCDCTL_ENDPOINTS": "b:2",
			"LUAETCD_PEER": "http://c:3", "LUAETCD_PREFIX": "/e", "LUAETCD_TIMEOUT": "0", "LUAETCD_STALL_TIMEOUT": "0"},
			settings{endpoints: []string{"https://a:1"}, peer: str("http://c:3"), prefix: str("/e"), timeout: dur(0), stall: dur(0)}},
		{"etcdctl env", nil, map[string]string{"ETCDCTL_ENDPOINTS": "b:2,c:3"},
			settings{endpoints: []string{"http://b:2", "http://c:3"}}},
		{"flags win", []string{"--endpoints=http://f:1", "--prefix=", "--timeout=2", "--stall-timeout=1"},
			map[string]string{"LUAETCD_ENDPOINTS": "http://e:1", "LUAETCD_PREFIX": "/e", "LUAETCD_TIMEOUT": "9", "LUAETCD_STALL_TIMEOUT": "3"},
			settings{endpoints: []string{"http://f:1"}, prefix: str(""), timeout: dur(2 * time.Second), stall: dur(time.Second)}},
		{"embed", []string{"--embed", "--data-dir", "/d", "--verbose"}, nil,
			settings{embed: true, dataDir: "/d", verbose: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv, err := parseArgs(append([]string{"luaetcd"}, c.args...))
			if err != nil {
				t.Fatal(err)
			}
			env, err := settingsFromEnv(func(k string) (string, bool) { v, ok := c.env[k]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			if got := merge(env, inv.flags); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}
