package v3backend

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"github.com/luaetcd/go-luaetcd/internal/etcdtest"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Backends with the same settings share one clientv3.Client; the last
// Close closes it.
func TestSharedClient(t *testing.T) {
	base := openClients()
	b1, err := New(Config{Endpoints: []string{srv.ClientURL}, Username: "", Password: ""})
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := New(Config{Endpoints: []string{srv.ClientURL}})
	b3, _ := New(Config{Endpoints: []string{srv.ClientURL}, Username: "u", Password: "p"})
	if b1.cli != b2.cli || b1.cli == b3.cli {
		t.Fatal("clients not shared by settings")
	}
	if n := openClients(); n != base+2 {
		t.Fatalf("%d shared clients, want %d", n, base+2)
	}
	t1, _ := New(Config{Endpoints: []string{srv.ClientURL}, TLS: &tls.Config{}, TLSID: "same files"})
	t2, _ := New(Config{Endpoints: []string{srv.ClientURL}, TLS: &tls.Config{}, TLSID: "same files"})
	t3, _ := New(Config{Endpoints: []string{srv.ClientURL}, TLS: &tls.Config{}})
	if t1.cli != t2.cli || t1.cli == t3.cli {
		t.Fatal("TLS configurations not told apart by TLSID")
	}
	t1.Close()
	t2.Close()
	t3.Close()
	b1.Close()
	b1.Close() // twice is harmless
	if _, err := b2.Do(context.Background(), ptr(opOf(backend.Get, "/"))); err != nil {
		t.Fatalf("b2 after b1 closed: %v", err)
	}
	b2.Close()
	b3.Close()
	if n := openClients(); n != base {
		t.Fatalf("%d shared clients after closing, want %d", n, base)
	}
}

// The hook gets one Info per operation.
func TestHook(t *testing.T) {
	var got []backend.Info
	b, err := New(Config{Endpoints: []string{srv.ClientURL}, Hook: func(i backend.Info) { got = append(got, i) }})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p := prefix(t)
	do(t, b, set(p+"/k", "v"))
	do(t, b, opOf(backend.Get, p+"/nope"))
	if len(got) != 2 {
		t.Fatalf("%d infos", len(got))
	}
	i := got[0]
	if i.Kind != backend.Set || i.Key != p+"/k" || i.Method != "Txn" || i.Status != 201 || i.Err != nil ||
		i.Duration <= 0 || i.Endpoint != srv.ClientURL || i.URL != "" {
		t.Fatalf("info %+v", i)
	}
	if got[1].Method != "Range" || got[1].Status != 404 {
		t.Fatalf("info %+v", got[1])
	}
}

// An unreachable cluster is ErrAllEndpointsFailed for a read, and the
// operation's timeout still answers 408.
func TestUnreachable(t *testing.T) {
	port, _ := embedetcd.FreePort()
	b, err := New(Config{Endpoints: []string{"http://127.0.0.1:" + itoa(int64(port))}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = b.Do(ctx, ptr(opOf(backend.Get, "/k")))
	if !errors.Is(err, backend.ErrAllEndpointsFailed) || strings.Contains(err.Error(), "rpc error") {
		t.Fatalf("error %v", err)
	}
	op := opOf(backend.Get, "/k")
	op.Timeout = 300 * time.Millisecond
	r, err := b.Do(ctx, &op)
	if err != nil && !errors.Is(err, backend.ErrAllEndpointsFailed) || err == nil && !r.TimedOut {
		t.Fatalf("answer %+v %v", r, err)
	}
}

// TLS with a client certificate.
func TestTLS(t *testing.T) {
	pki := etcdtest.NewPKI(t)
	s := etcdtest.StartTLS(t, pki, true)
	ca, err := os.ReadFile(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	cert, err := tls.LoadX509KeyPair(pki.ClientCert, pki.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Endpoints: []string{s.ClientURL}, TLS: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mustStatus(t, do(t, b, set("/tls/k", "v")), 201)
	if a := mustStatus(t, do(t, b, opOf(backend.Get, "/tls/k")), 200); *a.Event.Node.Value != "v" {
		t.Fatalf("get %s", a)
	}
	if r := doRaw(t, b, backend.Op{Kind: backend.Version}); r.Status != 200 {
		t.Fatalf("version over TLS: %d %s", r.Status, r.Body)
	}
}

// v3 users and roles: the right password may do what its role allows;
// a refusal is v2's 110 answer (status 401).
func TestAuth(t *testing.T) {
	s, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{s.ClientURL}, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.UserAdd(ctx, "root", "r00t"))
	must(c.UserGrantRole(ctx, "root", "root"))
	must(c.RoleAdd(ctx, "reader"))
	must(c.RoleGrantPermission(ctx, "reader", "/ro/", clientv3.GetPrefixRangeEnd("/ro/"), clientv3.PermissionType(clientv3.PermRead)))
	must(c.UserAdd(ctx, "reader", "re4d"))
	must(c.UserGrantRole(ctx, "reader", "reader"))
	must(c.Put(ctx, "/ro/k", "hello"))
	must(c.AuthEnable(ctx))
	c.Close()

	root, err := New(Config{Endpoints: []string{s.ClientURL}, Username: "root", Password: "r00t"})
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	mustStatus(t, do(t, root, set("/w/k", "v")), 201)

	reader, err := New(Config{Endpoints: []string{s.ClientURL}, Username: "reader", Password: "re4d"})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if a := mustStatus(t, do(t, reader, opOf(backend.Get, "/ro/k")), 200); *a.Event.Node.Value != "hello" {
		t.Fatalf("reader get %s", a)
	}
	if a := mustStatus(t, do(t, reader, set("/w/k", "x")), 401); a.Error.ErrorCode != 110 {
		t.Fatalf("reader write %s", a)
	}

	bad, err := New(Config{Endpoints: []string{s.ClientURL}, Username: "root", Password: "wrong"})
	if err == nil {
		defer bad.Close()
		r, err := bad.Do(ctx, ptr(opOf(backend.Get, "/ro/k")))
		if err == nil && r.Status != 401 {
			t.Fatalf("wrong password answered %d %s", r.Status, r.Body)
		}
		if err != nil && strings.Contains(err.Error(), "wrong") {
			t.Fatalf("error holds the password: %v", err)
		}
	} else if strings.Contains(err.Error(), "wrong") {
		t.Fatalf("error holds the password: %v", err)
	}
}

// An answer over MaxBodySize fails with ErrBodyTooLarge.
func TestMaxBodySize(t *testing.T) {
	b, err := New(Config{Endpoints: []string{target}, MaxBodySize: 300})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p := prefix(t)
	op := set(p+"/big", strings.Repeat("x", 1000))
	if _, err := b.Do(context.Background(), &op); !errors.Is(err, backend.ErrBodyTooLarge) {
		t.Fatalf("error %v", err)
	}
	if _, err := b.Do(context.Background(), ptr(opOf(backend.Get, p+"/big"))); !errors.Is(err, backend.ErrBodyTooLarge) {
		t.Fatalf("error %v", err)
	}
	mustStatus(t, do(t, b, set(p+"/small", "x")), 201)
}
