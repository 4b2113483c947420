package etcdtest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Etcd37Version is the etcd release .ci/run builds from tools/etcd37: a
// server without the v2 API, for the tests that need a current etcd.
const Etcd37Version = "3.7.3"

// Etcd37Env names the environment variable holding the absolute path of
// the etcd 3.7.3 binary. .ci/run sets it; when it is unset the tests look
// for the binary where .ci/run builds it, Etcd37DefaultPath below the
// module root, so they also find it when run by hand after one .ci/run.
const Etcd37Env = "LUAETCD_ETCD37"

// Etcd37DefaultPath is where .ci/run builds the binary, relative to the
// module root (git-ignored).
const Etcd37DefaultPath = ".cache/etcd-" + Etcd37Version + "/etcd"

// mainModule is the module whose root Etcd37Path looks for; the nested
// tool module under tools/ has a go.mod of its own that must not count.
const mainModule = "github.com/luaetcd/go-luaetcd"

// Etcd37Path returns the path of the etcd 3.7.3 binary: $LUAETCD_ETCD37
// when set, else Etcd37DefaultPath below the module root found by walking
// up from the working directory. It fails when the file is missing or
// does not report version 3.7.3.
func Etcd37Path() (string, error) {
	bin := os.Getenv(Etcd37Env)
	if bin == "" {
		root, err := moduleRoot()
		if err != nil {
			return "", fmt.Errorf("etcd %s: %s is unset and %w", Etcd37Version, Etcd37Env, err)
		}
		bin = filepath.Join(root, filepath.FromSlash(Etcd37DefaultPath))
	}
	if err := checkVersion(bin, Etcd37Version); err != nil {
		return "", err
	}
	return bin, nil
}

// Etcd37Binary returns Etcd37Path for a test. When the binary is missing
// the test is skipped with a message saying how to get it, except under
// CI (environment variable CI not empty), where .ci/run has built it and
// its absence is a failure.
func Etcd37Binary(t testing.TB) string {
	t.Helper()
	bin, err := Etcd37Path()
	if err == nil {
		return bin
	}
	msg := fmt.Sprintf("%v (.ci/run builds it; or set %s to an etcd %s binary)", err, Etcd37Env, Etcd37Version)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// moduleRoot walks up from the working directory to the directory whose
// go.mod declares the main module.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if declaresModule(filepath.Join(dir, "go.mod"), mainModule) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of " + mainModule + " above the working directory")
		}
		dir = parent
	}
}

func declaresModule(gomod, module string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == module
		}
	}
	return false
}

// versions caches checkVersion's answer per binary: every test of a
// package asks, and running the binary each time costs.
var versions sync.Map // path -> error (nil when it matched)

// checkVersion runs bin --version and wants the line "etcd Version: want".
func checkVersion(bin, want string) error {
	if v, ok := versions.Load(bin); ok {
		err, _ := v.(error)
		return err
	}
	err := func() error {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("etcd %s: %w", want, err)
		}
		out, err := exec.Command(bin, "--version").Output()
		if err != nil {
			return fmt.Errorf("etcd %s: %s --version: %w", want, bin, err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.TrimSpace(line) == "etcd Version: "+want {
				return nil
			}
		}
		return fmt.Errorf("etcd %s: %s is not that version: %q", want, bin, strings.SplitN(string(out), "\n", 2)[0])
	}()
	versions.Store(bin, err)
	return err
}
