package luaetcd_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	"github.com/luaetcd/go-luaetcd/luaetcd"
	lua "github.com/yuin/gopher-lua"
)

// doLua runs code in a fresh state with the given string globals.
func doLua(t *testing.T, globals map[string]string, code string, opts ...luaetcd.Option) {
	t.Helper()
	L := luaetcd.NewState(context.Background(), opts...)
	defer L.Close()
	for k, v := range globals {
		L.SetGlobal(k, lua.LString(v))
	}
	if err := L.DoString(code); err != nil {
		t.Fatal(err)
	}
}

// TestTLS runs scripts against an etcd that serves https.
func TestTLS(t *testing.T) {
	p := etcdtest.NewPKI(t)
	srv := etcdtest.StartTLS(t, p, false)
	g := map[string]string{"HOST": srv.ClientURL, "CA": p.CA, "OTHER_CA": p.OtherCA}

	t.Run("cacert round trip", func(t *testing.T) {
		doLua(t, g, `
			local Etcd = require('etcd.luasocket')
			local cli = assert(Etcd.new({ host = HOST, cacert = CA }))
			local ent = assert(cli:set('/tls/a', { x = 1 }))
			assert(ent.status == 201, ent.status)
			ent = assert(cli:get('/tls/a'))
			assert(ent.status == 200 and ent.body.node.value.x == 1, ent.status)
			-- "localhost" is in the certificate too
			cli = assert(Etcd.new({ host = HOST:gsub('127.0.0.1', 'localhost'), cacert = CA }))
			assert(cli:get('/tls/a').body.node.value.x == 1)
		`)
	})

	t.Run("Go option", func(t *testing.T) {
		tc, err := luaetcd.LoadTLSConfig(p.CA, "", "")
		if err != nil {
			t.Fatal(err)
		}
		doLua(t, g, `
			local cli = assert(require('etcd.luasocket').new())
			assert(cli:set('/tls/go', 'v').status == 201)
		`, luaetcd.WithEndpoints(srv.ClientURL), luaetcd.WithTLSConfig(tc))
	})

	t.Run("wrong CA", func(t *testing.T) {
		doLua(t, g, `
			local cli = assert(require('etcd.luasocket').new({ host = HOST, cacert = OTHER_CA }))
			local ent, err = cli:get('/tls/a')
			assert(ent == nil, 'got an entity')
			-- LuaSec's word for any certificate OpenSSL does not trust
			assert(err == 'certificate verify failed', err)
		`)
	})

	t.Run("no CA", func(t *testing.T) {
		// The system's roots do not know the test CA.
		doLua(t, g, `
			local ent, err = require('etcd.luasocket').new({ host = HOST }):get('/tls/a')
			assert(ent == nil and err == 'certificate verify failed', err)
		`)
	})

	t.Run("https to a plain port", func(t *testing.T) {
		// A plain HTTP server (the recording proxy, Go's net/http in front
		// of etcd) answers the TLS hello with an HTTP 400: OpenSSL, and so
		// LuaSec, calls that a wrong version number. etcd's own port
		// closes the connection instead.
		proxy := newRecordingProxy(etcdServer.ClientURL)
		defer proxy.Close()
		doLua(t, map[string]string{
			"PLAIN":  strings.Replace(proxy.URL, "http:", "https:", 1),
			"DIRECT": strings.Replace(etcdServer.ClientURL, "http:", "https:", 1),
			"CA":     p.CA,
		}, `
			local Etcd = require('etcd.luasocket')
			local ent, err = Etcd.new({ host = PLAIN, cacert = CA }):get('/tls/a')
			assert(ent == nil and err == 'wrong version number', tostring(err))
			ent, err = Etcd.new({ host = DIRECT, cacert = CA }):set('/tls/a', 1)
			assert(ent == nil and err == 'closed', tostring(err))
		`)
	})

	t.Run("http to https port", func(t *testing.T) {
		doLua(t, g, `
			local ent, err = require('etcd.luasocket').new({ host = HOST:gsub('^https', 'http'), cacert = CA }):get('/tls/a')
			-- Go's server answers plain HTTP on a TLS port with a 400 text.
			assert(ent == nil or ent.status == 400, ent and ent.status)
		`)
	})
}

// TestTLSClientCert runs against an etcd that requires a client
// certificate.
func TestTLSClientCert(t *testing.T) {
	p := etcdtest.NewPKI(t)
	srv := etcdtest.StartTLS(t, p, true)
	g := map[string]string{"HOST": srv.ClientURL, "CA": p.CA, "CERT": p.ClientCert, "KEY": p.ClientKey}

	t.Run("with cert", func(t *testing.T) {
		doLua(t, g, `
			local cli = assert(require('etcd.luasocket').new({ host = HOST, cacert = CA, cert = CERT, key = KEY }))
			assert(cli:set('/mtls/a', 'yes').status == 201)
			local ent = assert(cli:get('/mtls/a'))
			assert(ent.body.node.value == 'yes', ent.body.node.value)
		`)
	})

	// With TLS 1.3 the server checks the client's certificate after the
	// client's handshake has returned, so its refusal (the alert
	// "certificate required" or "bad certificate", in OpenSSL's words as
	// LuaSec gave them) races the request being written: the error is the
	// alert most of the time, and sometimes what the closed connection did
	// to the write or to HTTP/2's set-up ("closed"). refusedTLS accepts
	// those and nothing else.
	const refusedTLS = `
		function refusedTLS(ent, err)
			assert(ent == nil, 'got an entity')
			for _, want in ipairs({ 'tlsv13 alert certificate required', 'sslv3 alert bad certificate',
				'tlsv1 alert unknown ca', 'closed' }) do
				if err == want then
					note(err)
					return
				end
			end
			error('unexpected error: ' .. err)
		end
	`
	var notes []string
	refused := func(t *testing.T, g map[string]string, code string) {
		t.Helper()
		L := luaetcd.NewState(context.Background())
		defer L.Close()
		for k, v := range g {
			L.SetGlobal(k, lua.LString(v))
		}
		L.SetGlobal("note", L.NewFunction(func(L *lua.LState) int {
			notes = append(notes, L.CheckString(1))
			return 0
		}))
		if err := L.DoString(refusedTLS + code); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("without cert", func(t *testing.T) {
		refused(t, g, `
			local cli = assert(require('etcd.luasocket').new({ host = HOST, cacert = CA }))
			refusedTLS(cli:get('/mtls/a'))
			-- a write, which is not resent, fails as clearly
			refusedTLS(cli:set('/mtls/b', 1))
		`)
	})

	t.Run("client cert of another CA", func(t *testing.T) {
		other := etcdtest.NewPKI(t)
		refused(t, map[string]string{"HOST": srv.ClientURL, "CA": p.CA, "CERT": other.ClientCert, "KEY": other.ClientKey}, `
			refusedTLS(require('etcd.luasocket').new({ host = HOST, cacert = CA, cert = CERT, key = KEY }):get('/mtls/a'))
		`)
	})
	t.Logf("errors seen: %q", notes)
}

// TestTLSFileErrors: Etcd.new answers nil, err naming the option for
// files it cannot use, before anything is sent.
func TestTLSFileErrors(t *testing.T) {
	p := etcdtest.NewPKI(t)
	junk := filepath.Join(t.TempDir(), "junk.pem")
	os.WriteFile(junk, []byte("not a certificate\n"), 0o600)
	missing := filepath.Join(t.TempDir(), "missing.pem")
	cases := []struct{ opts, want string }{
		{`cacert = MISSING`, "opts.cacert: open " + missing + ": no such file or directory"},
		{`cacert = JUNK`, "opts.cacert: no PEM certificate in " + junk},
		{`cert = MISSING, key = KEY`, "opts.cert: open " + missing + ": no such file or directory"},
		{`cert = CERT, key = MISSING`, "opts.key: open " + missing + ": no such file or directory"},
		{`cert = CERT`, "opts.cert: needs key too"},
		{`key = KEY`, "opts.key: needs cert too"},
		{`cert = JUNK, key = KEY`, "opts.cert: tls: failed to find any PEM data in certificate input"},
		{`cert = CERT, key = CA`, "opts.cert: tls: found a certificate rather than a key in the PEM for the private key"},
		{`cacert = 1`, "opts.cacert must be string"},
	}
	for _, c := range cases {
		t.Run(c.opts, func(t *testing.T) {
			doLua(t, map[string]string{"MISSING": missing, "JUNK": junk, "CERT": p.ClientCert, "KEY": p.ClientKey, "CA": p.CA, "WANT": c.want}, `
				local cli, err = require('etcd.luasocket').new({ host = 'https://127.0.0.1:1', `+c.opts+` })
				assert(cli == nil, 'got a client')
				assert(err == WANT, err)
			`)
		})
	}
	if _, err := luaetcd.LoadTLSConfig(missing, "", ""); err == nil || err.Error() != "cacert: open "+missing+": no such file or directory" {
		t.Errorf("LoadTLSConfig: %v", err)
	}
	if _, err := luaetcd.LoadTLSConfig("", "", ""); err == nil {
		t.Error("LoadTLSConfig of no files: no error")
	}
}

// countingForwarder is a TCP forwarder that counts the connections it
// accepts: in front of a TLS server every connection is one handshake.
type countingForwarder struct {
	ln    net.Listener
	mu    sync.Mutex
	conns int
}

func newCountingForwarder(t *testing.T, target string) *countingForwarder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &countingForwarder{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns++
			f.mu.Unlock()
			go func() {
				defer c.Close()
				d, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer d.Close()
				go func() { io.Copy(d, c); d.Close() }()
				io.Copy(c, d)
			}()
		}
	}()
	return f
}

func (f *countingForwarder) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

// TestTLSSharedTransport: clients built with the same files, in different
// states and through the Go option, share one configuration and so one
// connection: one TLS handshake in all.
func TestTLSSharedTransport(t *testing.T) {
	p := etcdtest.NewPKI(t)
	srv := etcdtest.StartTLS(t, p, true)
	u, _ := url.Parse(srv.ClientURL)
	fwd := newCountingForwarder(t, u.Host)
	// The forwarder's port is not in the certificate's names, but its
	// address is: 127.0.0.1.
	host := "https://" + fwd.ln.Addr().String()

	tc1, err := luaetcd.LoadTLSConfig(p.CA, p.ClientCert, p.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	tc2, _ := luaetcd.LoadTLSConfig(p.CA, p.ClientCert, p.ClientKey)
	if tc1 != tc2 {
		t.Fatal("the same files gave two configurations")
	}
	if tc3, _ := luaetcd.LoadTLSConfig(p.CA, "", ""); tc3 == tc1 {
		t.Fatal("other files gave the same configuration")
	}

	g := map[string]string{"HOST": host, "CA": p.CA, "CERT": p.ClientCert, "KEY": p.ClientKey}
	script := `
		for i = 1, 3 do
			local cli = assert(require('etcd.luasocket').new({ host = HOST, cacert = CA, cert = CERT, key = KEY }))
			local ent, err = cli:set('/shared/k', i)
			assert(ent and ent.status < 300, err or ent.status)
			assert(cli:get('/shared/k').body.node.value == i)
		end
	`
	doLua(t, g, script)
	doLua(t, g, script)
	doLua(t, g, `
		local cli = assert(require('etcd.luasocket').new())
		assert(cli:get('/shared/k').body.node.value == 3)
	`, luaetcd.WithEndpoints(host), luaetcd.WithTLSConfig(tc1))
	if n := fwd.count(); n != 1 {
		t.Errorf("%d TLS connections, want 1 shared by all clients", n)
	}

	// A renewed file is read again: the next clients get a new
	// configuration.
	data, _ := os.ReadFile(p.ClientCert)
	os.WriteFile(p.ClientCert, data, 0o600)
	later := time.Now().Add(time.Second)
	os.Chtimes(p.ClientCert, later, later)
	tc4, err := luaetcd.LoadTLSConfig(p.CA, p.ClientCert, p.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	if tc4 == tc1 {
		t.Error("a changed certificate file was not read again")
	}
	if tc5, _ := luaetcd.LoadTLSConfig(p.CA, p.ClientCert, p.ClientKey); tc5 != tc4 {
		t.Error("the re-read configuration is not cached")
	}
	doLua(t, g, `assert(require('etcd.luasocket').new({ host = HOST, cacert = CA, cert = CERT, key = KEY }):get('/shared/k').status == 200)`)
}
