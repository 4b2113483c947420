package luaetcd_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
)

// TestLargeReaddir lists a directory of 50,000 keys from Lua, and checks
// that an answer over the size limit (opts.max_body_size, or the host's
// WithMaxBodySize) fails cleanly with nil and an error naming the limit.
func TestLargeReaddir(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50,000 keys")
	}
	const n = 50000
	dir := "/test/large/dir"
	start := time.Now()
	if err := putMany(etcdServer.ClientURL, dir, n, 16); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d keys written in %v", n, time.Since(start).Round(time.Millisecond))

	L := newTestState(t, context.Background(), "/test/large")
	defer L.Close()
	start = time.Now()
	err := L.DoString(fmt.Sprintf(`
		local Etcd = require('etcd.luasocket')
		local cli = assert(Etcd.new({ host = DIRECT, prefix = PREFIX }))
		local ent = assert(cli:readdir('dir'))
		assert(ent.status == 200, ent.status)
		local nodes = ent.body.node.nodes
		assert(#nodes == %d, #nodes)
		local seen = {}
		for _, nd in ipairs(nodes) do
			seen[nd.key] = nd.value
		end
		-- listings keep the raw stored text
		assert(seen[PREFIX .. '/dir/k00000'] == '"v0"', tostring(seen[PREFIX .. '/dir/k00000']))
		assert(seen[PREFIX .. '/dir/k49999'] == '"v49999"')

		-- Over the limit: nil and the limit named, and the client still works.
		local small = assert(Etcd.new({ host = DIRECT, prefix = PREFIX, max_body_size = 100000 }))
		local res, err = small:readdir('dir')
		assert(res == nil, 'readdir over the limit answered')
		assert(err:find('limit of 100000 bytes', 1, true), err)
		assert(small:get('dir/k00001').body.node.value == 'v1')
	`, n))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("readdir of %d keys and the limit checks in %v", n, time.Since(start).Round(time.Millisecond))

	// The host's default limit applies to scripts that give none.
	L2 := luaetcd.NewState(context.Background(), luaetcd.WithEndpoints(etcdServer.ClientURL), luaetcd.WithMaxBodySize(1<<20))
	defer L2.Close()
	if err := L2.DoString(`
		local cli = require('etcd.luasocket').new()
		local res, err = cli:readdir('/test/large/dir')
		assert(res == nil and err:find('limit of 1048576 bytes', 1, true), tostring(err))
	`); err != nil {
		t.Fatal(err)
	}

	// Clean up, so other tests listing the root stay small.
	req, _ := http.NewRequest(http.MethodDelete, etcdServer.ClientURL+"/v2/keys/test/large?dir=true&recursive=true", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// putMany writes dir/k00000 .. dir/k<n-1> = "v<i>" (JSON strings, as
// cli:set stores them) with raw v2 PUTs from a few goroutines.
func putMany(base, dir string, n, workers int) error {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer hc.CloseIdleConnections()
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	next := make(chan int, workers)
	go func() {
		for i := 0; i < n; i++ {
			next <- i
		}
		close(next)
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				body := url.Values{"value": {fmt.Sprintf(`"v%d"`, i)}}.Encode()
				req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/v2/keys%s/k%05d", base, dir, i), strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := hc.Do(req)
				if err != nil {
					errc <- err
					for range next {
					}
					return
				}
				resp.Body.Close()
				if resp.StatusCode >= 300 {
					errc <- fmt.Errorf("put %d: %s", i, resp.Status)
					for range next {
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	return <-errc
}
