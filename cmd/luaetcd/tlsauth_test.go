package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
)

// The runner's TLS and auth flags against real etcds: one serving https
// that requires client certificates, one with v2 basic auth on.

const tlsTD = "../../testdata/tls/"

func TestRunnerTLS(t *testing.T) {
	requireEtcdModule(t)
	p := etcdtest.NewPKI(t)
	srv := etcdtest.StartTLS(t, p, true)
	ep := srv.ClientURL
	files := []string{"--cacert", p.CA, "--cert", p.ClientCert, "--key", p.ClientKey}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	cases := []struct {
		name  string
		args  []string
		env   []string
		oneOf []string // stdout is one of these; then cliCase is not checked
		cliCase
	}{
		{name: "flags", args: append([]string{"--endpoints", ep}, files...),
			cliCase: cliCase{stdout: "201\n"}},
		{name: "flags with =", args: []string{"--endpoints=" + ep, "--cacert=" + p.CA, "--cert=" + p.ClientCert, "--key=" + p.ClientKey},
			cliCase: cliCase{stdout: "201\n"}},
		{name: "LUAETCD env", env: []string{"LUAETCD_ENDPOINTS=" + ep, "LUAETCD_CACERT=" + p.CA, "LUAETCD_CERT=" + p.ClientCert, "LUAETCD_KEY=" + p.ClientKey},
			cliCase: cliCase{stdout: "201\n"}},
		{name: "ETCDCTL env", env: []string{"ETCDCTL_ENDPOINTS=" + ep, "ETCDCTL_CACERT=" + p.CA, "ETCDCTL_CERT=" + p.ClientCert, "ETCDCTL_KEY=" + p.ClientKey},
			cliCase: cliCase{stdout: "201\n"}},
		{name: "LUAETCD env wins over ETCDCTL", env: []string{"LUAETCD_ENDPOINTS=" + ep, "LUAETCD_CACERT=" + p.CA, "LUAETCD_CERT=" + p.ClientCert,
			"LUAETCD_KEY=" + p.ClientKey, "ETCDCTL_CACERT=" + missing, "ETCDCTL_CERT=" + missing, "ETCDCTL_KEY=" + missing},
			cliCase: cliCase{stdout: "201\n"}},
		{name: "flags win over env", args: append([]string{"--endpoints", ep}, files...),
			env:     []string{"LUAETCD_CACERT=" + missing, "LUAETCD_CERT=" + missing, "LUAETCD_KEY=" + missing},
			cliCase: cliCase{stdout: "201\n"}},
		// The refusal races the request under TLS 1.3: the alert in
		// OpenSSL's words (as LuaSec gave them), or the connection closed.
		{name: "no client cert", args: []string{"--endpoints", ep, "--cacert", p.CA},
			oneOf: []string{"error\ttlsv13 alert certificate required\n", "error\tsslv3 alert bad certificate\n", "error\tclosed\n"}},
		{name: "missing cacert", args: []string{"--endpoints", ep, "--cacert", missing},
			cliCase: cliCase{stderr: "luaetcd: TLS: cacert: open " + missing + ": no such file or directory\n", code: 1}},
		{name: "cert without key", args: []string{"--endpoints", ep, "--cert", p.ClientCert},
			cliCase: cliCase{stderr: "luaetcd: TLS: cert: needs key too\n", code: 1}},
		{name: "empty file name", args: []string{"--cacert="},
			cliCase: cliCase{stderrHas: []string{"luaetcd: bad argument to '--cacert' (empty file name)\n", usageHead}, code: 1}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// each its own key: every successful set answers 201
			key := "/tls/k" + strconv.Itoa(i)
			args := append(append([]string{}, c.args...), tlsTD+"op.lua", "set", key, "v")
			r := runBinary(t, args, c.env, "")
			if c.oneOf != nil {
				if !slices.Contains(c.oneOf, r.stdout) || r.code != 0 {
					t.Errorf("got %d %q %q, want stdout one of %q", r.code, r.stdout, r.stderr, c.oneOf)
				}
				return
			}
			c.check(t, r)
		})
	}
	// And the key is there, read back through the environment.
	r := runBinary(t, []string{tlsTD + "op.lua", "get", "/tls/k0"},
		[]string{"ETCDCTL_ENDPOINTS=" + ep, "ETCDCTL_CACERT=" + p.CA, "ETCDCTL_CERT=" + p.ClientCert, "ETCDCTL_KEY=" + p.ClientKey}, "")
	cliCase{stdout: "200\tv\n"}.check(t, r)
}

func TestRunnerAuth(t *testing.T) {
	requireEtcdModule(t)
	srv := etcdtest.StartAuth(t)
	ep := "LUAETCD_ENDPOINTS=" + srv.ClientURL
	get := []string{tlsTD + "op.lua", "get", "/ro/k"}
	set := []string{tlsTD + "op.lua", "set", "/ro/k", "x"}
	cases := []struct {
		name string
		args []string
		env  []string
		cliCase
	}{
		{name: "user and LUAETCD_PASSWORD", args: append([]string{"--user", "reader"}, get...), env: []string{ep, "LUAETCD_PASSWORD=" + etcdtest.ReaderPassword},
			cliCase: cliCase{stdout: "200\thello\n"}},
		{name: "read-only user writes", args: append([]string{"--user", "reader"}, set...), env: []string{ep, "LUAETCD_PASSWORD=" + etcdtest.ReaderPassword},
			cliCase: cliCase{stdout: "401\t110\n"}},
		{name: "ETCDCTL_USER and ETCDCTL_PASSWORD", args: set, env: []string{ep, "ETCDCTL_USER=root", "ETCDCTL_PASSWORD=" + etcdtest.RootPassword},
			cliCase: cliCase{stdout: "200\n"}},
		{name: "LUAETCD_USER name:password", args: get, env: []string{ep, "LUAETCD_USER=reader:" + etcdtest.ReaderPassword},
			cliCase: cliCase{stdout: "200\tx\n"}},
		{name: "LUAETCD_PASSWORD wins over ETCDCTL_PASSWORD", args: append([]string{"--user", "reader"}, get...),
			env:     []string{ep, "LUAETCD_PASSWORD=" + etcdtest.ReaderPassword, "ETCDCTL_PASSWORD=wrong"},
			cliCase: cliCase{stdout: "200\tx\n"}},
		{name: "flag user wins over env user", args: append([]string{"--user", "root"}, set...),
			env:     []string{ep, "LUAETCD_USER=reader", "LUAETCD_PASSWORD=" + etcdtest.RootPassword},
			cliCase: cliCase{stdout: "200\n"}},
		{name: "user:password flag", args: append([]string{"--user", "reader:" + etcdtest.ReaderPassword}, get...), env: []string{ep},
			cliCase: cliCase{stdout: "200\tx\n"}},
		{name: "no credentials", args: get, env: []string{ep},
			cliCase: cliCase{stdout: "401\t110\n"}},
		{name: "wrong password", args: append([]string{"--user", "reader"}, get...), env: []string{ep, "LUAETCD_PASSWORD=nope"},
			cliCase: cliCase{stdout: "401\t110\n"}},
		{name: "no password off a terminal", args: append([]string{"--user", "reader"}, get...), env: []string{ep},
			cliCase: cliCase{stderr: "luaetcd: user reader: no password: set LUAETCD_PASSWORD, or run on a terminal to be asked\n", code: 1}},
		{name: "password alone is not used", args: get, env: []string{ep, "LUAETCD_PASSWORD=" + etcdtest.ReaderPassword},
			cliCase: cliCase{stdout: "401\t110\n"}},
		{name: "empty user", args: []string{"--user", "", "-e", "print(1)"},
			cliCase: cliCase{stderrHas: []string{"bad argument to '--user' (empty user)"}, code: 1}},
		{name: "empty user name", args: []string{"--user", ":pw", "-e", "print(1)"},
			cliCase: cliCase{stderr: "luaetcd: user: empty name\n", code: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.check(t, runBinary(t, c.args, c.env, ""))
		})
	}

	t.Run("password not in errors", func(t *testing.T) {
		r := runBinary(t, []string{"--user", "reader", "--endpoints", "http://127.0.0.1:1", tlsTD + "op.lua", "get", "/ro/k"},
			[]string{"LUAETCD_PASSWORD=" + etcdtest.ReaderPassword}, "")
		if r.stdout != "error\tconnection refused\n" || strings.Contains(r.stdout+r.stderr, etcdtest.ReaderPassword) {
			t.Errorf("got %q %q", r.stdout, r.stderr)
		}
	})
}

// TestRunnerPasswordNotInCmdline: with --user NAME and the password in the
// environment, /proc/<pid>/cmdline of the running runner does not hold the
// password.
func TestRunnerPasswordNotInCmdline(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the command line from /proc")
	}
	requireEtcdModule(t)
	srv := etcdtest.StartAuth(t)
	cmd := exec.Command(binary, "--endpoints", srv.ClientURL, "--user", "reader", tlsTD+"wait.lua", "/ro/k")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + t.TempDir(), "LUAETCD_PASSWORD=" + etcdtest.ReaderPassword}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("runner said %q; stderr: %s", line, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("runner not ready; stderr: %s", stderr.String())
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	if len(args) < 5 || args[3] != "--user" || args[4] != "reader" {
		t.Errorf("cmdline %q is not the runner's", args)
	}
	if bytes.Contains(cmdline, []byte(etcdtest.ReaderPassword)) {
		t.Errorf("password in /proc/%d/cmdline: %q", cmd.Process.Pid, args)
	}
}

// TestRunnerPasswordPrompt: on a terminal, the runner asks for the
// password (in-process, with the prompt replaced).
func TestRunnerPasswordPrompt(t *testing.T) {
	requireEtcdModule(t)
	srv := etcdtest.StartAuth(t)
	var prompts []string
	saved := readPassword
	defer func() { readPassword = saved }()
	readPassword = func(_ context.Context, prompt string) (string, error) {
		prompts = append(prompts, prompt)
		return etcdtest.ReaderPassword, nil
	}
	env := map[string]string{"LUAETCD_ENDPOINTS": srv.ClientURL}
	r := runInProcess(context.Background(), []string{"--user", "reader", tlsTD + "op.lua", "get", "/ro/k"}, env, "", true)
	cliCase{stdout: "200\thello\n"}.check(t, r)
	if len(prompts) != 1 || prompts[0] != "Password for reader: " {
		t.Errorf("prompts %q", prompts)
	}
	// A password from the environment, or in --user, is not asked for.
	env["LUAETCD_PASSWORD"] = etcdtest.ReaderPassword
	r = runInProcess(context.Background(), []string{"--user", "reader", tlsTD + "op.lua", "get", "/ro/k"}, env, "", true)
	cliCase{stdout: "200\thello\n"}.check(t, r)
	if len(prompts) != 1 {
		t.Errorf("asked again: %q", prompts)
	}
}
