package scripts_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
)

// The example scripts run unchanged, with no API flag, against etcd 3.7.3,
// which serves no v2 API: the runner picks the v3 backend by itself. They
// print what they print on the embedded 3.5, except where the docs say v3
// has no source (the store statistics), the server's version and the
// member's name.
func TestScriptsOnEtcd37(t *testing.T) {
	t.Parallel()
	m := etcdtest.StartEtcd37(t)
	for _, name := range []string{"tour", "lock", "queue"} {
		got := run(t, "--endpoints", m.ClientURL, name+".lua")
		want, err := os.ReadFile(filepath.Join("testdata", name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		exp := string(want)
		if name == "tour" {
			exp = strings.Replace(exp, "etcdserver 3.5.x", "etcdserver 3.7.x", 1)
			exp = strings.Replace(exp, "statsStore()                             -> 200\nsetsSuccess counted: true",
				"statsStore()                             -> 404\nsetsSuccess counted: false", 1)
			exp = strings.Replace(exp, `name = "default"`, `name = "`+m.Name+`"`, 1)
		}
		if got != exp {
			t.Errorf("%s.lua on etcd 3.7.3 printed:\n%s\nwant:\n%s", name, got, exp)
		}
	}
}
