package etcdtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestModuleRootIsTheMainModule(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	// The tests run in internal/etcdtest, two levels below the root.
	wd, _ := os.Getwd()
	if want := filepath.Dir(filepath.Dir(wd)); root != want {
		t.Fatalf("module root %s, want %s", root, want)
	}
	if declaresModule(filepath.Join(root, "tools", "etcd37", "go.mod"), mainModule) {
		t.Fatal("the tool module's go.mod must not pass for the main module's")
	}
}

func TestEtcd37PathFromEnv(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "etcd")
	t.Setenv(Etcd37Env, missing)
	if _, err := Etcd37Path(); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing binary: err %v, want one naming %s", err, missing)
	}
	// Debian's etcd is a real etcd of the wrong version.
	if _, err := os.Stat("/usr/bin/etcd"); err == nil {
		t.Setenv(Etcd37Env, "/usr/bin/etcd")
		if _, err := Etcd37Path(); err == nil || !strings.Contains(err.Error(), "not that version") {
			t.Fatalf("etcd 3.4: err %v, want a version mismatch", err)
		}
	}
}

func TestEtcd37PathDefault(t *testing.T) {
	t.Setenv(Etcd37Env, "")
	bin, err := Etcd37Path()
	if err != nil {
		t.Skipf("no binary at the default place: %v", err)
	}
	root, _ := moduleRoot()
	if want := filepath.Join(root, ".cache", "etcd-3.7.3", "etcd"); bin != want {
		t.Fatalf("default binary %s, want %s", bin, want)
	}
}
