// Package etcdtest starts the real etcds that TLS and auth tests need —
// one serving https (optionally requiring client certificates), one with
// the v2 auth API enabled — and makes the throw-away certificates for
// them. The luaetcd package's and the runner's tests share it.
package etcdtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/embedetcd"
	"go.etcd.io/etcd/client/pkg/v3/transport"
	"go.etcd.io/etcd/server/v3/embed"
)

// PKI is a throw-away certificate authority with a server certificate for
// 127.0.0.1 and localhost, a client certificate, and a second CA that
// signed neither, all PEM files in one directory.
type PKI struct {
	CA, ServerCert, ServerKey, ClientCert, ClientKey, OtherCA string
}

// NewPKI writes a fresh PKI into a temporary directory of t.
func NewPKI(t testing.TB) *PKI {
	t.Helper()
	dir := t.TempDir()
	p := &PKI{
		CA:         filepath.Join(dir, "ca.pem"),
		ServerCert: filepath.Join(dir, "server.pem"),
		ServerKey:  filepath.Join(dir, "server-key.pem"),
		ClientCert: filepath.Join(dir, "client.pem"),
		ClientKey:  filepath.Join(dir, "client-key.pem"),
		OtherCA:    filepath.Join(dir, "other-ca.pem"),
	}
	ca, caKey := makeCert(t, nil, nil, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "luaetcd test CA"},
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}, p.CA, "")
	// etcd also dials itself (its gRPC gateway) with the server
	// certificate, so it gets both uses.
	makeCert(t, ca, caKey, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "etcd"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}, p.ServerCert, p.ServerKey)
	makeCert(t, ca, caKey, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "luaetcd-client"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, p.ClientCert, p.ClientKey)
	makeCert(t, nil, nil, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "some other CA"},
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}, p.OtherCA, "")
	return p
}

var serial struct {
	sync.Mutex
	n int64
}

// makeCert signs tmpl with parent (self-signed when parent is nil) and
// writes the certificate, and the key when keyFile is not "".
func makeCert(t testing.TB, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, tmpl *x509.Certificate, certFile, keyFile string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial.Lock()
	serial.n++
	tmpl.SerialNumber = big.NewInt(serial.n)
	serial.Unlock()
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, certFile, "CERTIFICATE", der)
	if keyFile != "" {
		kder, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		writePEM(t, keyFile, "EC PRIVATE KEY", kder)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func writePEM(t testing.TB, name, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// StartTLS starts a real etcd serving its client URL over https with p's
// server certificate; clientCertAuth makes it require a client
// certificate signed by p's CA. It stops when t ends.
func StartTLS(t testing.TB, p *PKI, clientCertAuth bool) *embedetcd.Server {
	t.Helper()
	s, err := embedetcd.Start(embedetcd.Config{NoFsync: true, Configure: func(c *embed.Config) {
		c.ClientTLSInfo = transport.TLSInfo{CertFile: p.ServerCert, KeyFile: p.ServerKey}
		// etcd requires client certificates whenever it has a trusted
		// CA, with or without ClientCertAuth.
		if clientCertAuth {
			c.ClientTLSInfo.TrustedCAFile = p.CA
			c.ClientTLSInfo.ClientCertAuth = true
		}
		for _, us := range [][]url.URL{c.ListenClientUrls, c.AdvertiseClientUrls} {
			for i := range us {
				us[i].Scheme = "https"
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if !strings.HasPrefix(s.ClientURL, "https://") {
		t.Fatalf("client URL %s is not https", s.ClientURL)
	}
	return s
}

// Passwords of the users of StartAuth's etcd.
const (
	RootPassword   = "r00t-s3cret"
	ReaderPassword = "re4der-s3cret"
)

// StartAuth starts a real etcd with v2 auth enabled: root (may do
// anything), reader (may read /ro/* and nothing else), and a guest role
// without any permission, so requests without credentials are refused.
// /ro/k holds the JSON string "hello". It uses etcd 3.5's v2 auth API
// (etcdserver/api/v2http/client_auth.go) and stops when t ends.
func StartAuth(t testing.TB) *embedetcd.Server {
	t.Helper()
	s, err := embedetcd.Start(embedetcd.Config{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	call := func(method, path string, asRoot bool, body any) {
		t.Helper()
		var rd io.Reader
		ctype := "application/json"
		switch b := body.(type) {
		case nil:
		case url.Values:
			rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
		default:
			data, _ := json.Marshal(b)
			rd = bytes.NewReader(data)
		}
		req, _ := http.NewRequest(method, s.ClientURL+path, rd)
		req.Header.Set("Content-Type", ctype)
		if asRoot {
			req.SetBasicAuth("root", RootPassword)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, data)
		}
	}
	call("PUT", "/v2/auth/users/root", false, map[string]any{"user": "root", "password": RootPassword})
	call("PUT", "/v2/auth/roles/reader", false, map[string]any{"role": "reader",
		"permissions": map[string]any{"kv": map[string]any{"read": []string{"/ro/*"}, "write": []string{}}}})
	call("PUT", "/v2/auth/users/reader", false, map[string]any{"user": "reader", "password": ReaderPassword, "roles": []string{"reader"}})
	call("PUT", "/v2/keys/ro/k", false, url.Values{"value": {`"hello"`}})
	call("PUT", "/v2/auth/enable", false, nil)
	// Enabling creates the guest role with read and write on /*; take
	// them away.
	call("PUT", "/v2/auth/roles/guest", true, map[string]any{"role": "guest",
		"revoke": map[string]any{"kv": map[string]any{"read": []string{"/*"}, "write": []string{"/*"}}}})
	return s
}
