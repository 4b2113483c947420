package scripts_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
)

// dumpScript prints the subtree /app as sorted lines: a directory as
// "key/", a key as "key = value" and "(ttl)" when it has one.
const dumpScript = `
local c = assert(require('etcd.luasocket').new({ serializer = 'raw' }))
local lines = {}
local function walk(n)
  local ttl = n.ttl and ' (ttl)' or ''
  if n.dir then
    if n.key then table.insert(lines, n.key .. '/' .. ttl) end
    for _, child in ipairs(n.nodes or {}) do walk(child) end
  else
    table.insert(lines, n.key .. ' = ' .. n.value .. ttl)
  end
end
walk(assert(c:readdir('/app', true)).body.node)
table.sort(lines)
print(table.concat(lines, '\n'))
`

// migrate.lua copies a v2 tree from etcd 3.5 into etcd 3.7.3; read back
// through the v3 backend it is the same tree (values, empty directories,
// TTLs), and a second run changes nothing.
func TestMigrate(t *testing.T) {
	t.Parallel()
	src, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst := etcdtest.StartEtcd37(t)
	run(t, "--endpoints", src.ClientURL, "-e", `
		local c = assert(require('etcd.luasocket').new({ serializer = 'raw' }))
		assert(c:set('/app/db/host', 'db1').status == 201)
		assert(c:set('/app/db/port', '5432').status == 201)
		assert(c:set('/app/json', '{"a":[1,2]}').status == 201)
		assert(c:set('/app/odd name/ü', 'line1\nline2').status == 201)
		assert(c:mkdir('/app/empty').status == 201)
		assert(c:set('/app/session', 'abc', 300).status == 201)
		assert(c:mkdir('/app/tmp', 300).status == 201)
		assert(c:set('/other', 'not copied').status == 201)`)
	want := run(t, "--endpoints", src.ClientURL, "-e", dumpScript)

	migrate := func() string {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		cmd := command(ctx, t, "migrate.lua", src.ClientURL, dst.ClientURL, "/app")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("migrate.lua: %v\n%s%s", err, stdout.String(), stderr.String())
		}
		return stderr.String()
	}
	first := migrate()
	if !strings.Contains(first, "migrate: 5 keys (5 copied, 0 unchanged), 5 directories made, 0 conflicts") {
		t.Fatalf("first run said:\n%s", first)
	}
	got := run(t, "--endpoints", dst.ClientURL, "-e", dumpScript)
	if got != want {
		t.Fatalf("read back from etcd 3.7.3:\n%s\nwant (etcd 3.5 v2):\n%s", got, want)
	}
	if again := migrate(); !strings.Contains(again, "migrate: 5 keys (0 copied, 5 unchanged), 0 directories made, 0 conflicts") {
		t.Fatalf("second run said:\n%s", again)
	}
	if got := run(t, "--endpoints", dst.ClientURL, "-e", dumpScript); got != want {
		t.Fatalf("after the second run:\n%s", got)
	}
}
