package luaetcd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2http"
)

// Each class of failure gets lua-etcd's word, wherever it sits in the
// chain a backend builds (url.Error, net.OpError, the sentinels).
func TestErrorWords(t *testing.T) {
	dial := func(err error) error {
		return &url.Error{Op: "Get", URL: "http://h:1/v2/keys/a", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}}
	}
	read := func(err error) error {
		return &url.Error{Op: "Get", URL: "http://h:1/v2/keys/a", Err: &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}}
	}
	all := func(err error) error {
		return fmt.Errorf("all 2 endpoints failed (http://a:1, http://b:2); last error: %w; %w", err, backend.ErrAllEndpointsFailed)
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", dial(syscall.ECONNREFUSED), "connection refused"},
		{"all endpoints failed", all(dial(syscall.ECONNREFUSED)), "connection refused"},
		{"dns", &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}}, "host not found"},
		{"dns timeout", &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}, "timeout"},
		{"reset", read(syscall.ECONNRESET), "closed"},
		{"broken pipe", read(syscall.EPIPE), "closed"},
		{"eof", fmt.Errorf("http://h:1: %w", io.EOF), "closed"},
		{"maybe applied", fmt.Errorf("http://h:1: %w; not resent: %w", io.ErrUnexpectedEOF, backend.ErrMaybeApplied), "closed"},
		{"cancelled", fmt.Errorf("x: %w", context.Canceled), "closed"},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), "timeout"},
		{"i/o timeout", dial(os.ErrDeadlineExceeded), "timeout"},
		{"no route", dial(syscall.EHOSTUNREACH), "No route to host"},
		{"net unreachable", dial(syscall.ENETUNREACH), "Network is unreachable"},
		{"tls to plain", &url.Error{Op: "Get", URL: "https://h:1", Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}}, "wrong version number"},
		{"tls to http", &url.Error{Op: "Get", URL: "https://h:1", Err: errors.New("http: server gave HTTP response to HTTPS client")}, "wrong version number"},
		{"unknown ca", &url.Error{Op: "Get", URL: "https://h:1", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, "certificate verify failed"},
		{"wrong name", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "h"}, "certificate verify failed"},
		{"expired", x509.CertificateInvalidError{Cert: &x509.Certificate{}, Reason: x509.Expired}, "certificate verify failed"},
		{"alert certificate required", &net.OpError{Op: "remote error", Err: errors.New("tls: certificate required")}, "tlsv13 alert certificate required"},
		{"alert bad certificate", &net.OpError{Op: "remote error", Err: errors.New("tls: bad certificate")}, "sslv3 alert bad certificate"},
		{"alert unknown ca", &net.OpError{Op: "remote error", Err: errors.New("tls: unknown certificate authority")}, "tlsv1 alert unknown ca"},
		{"http2 set-up", errors.New("http2: client conn could not be established"), "closed"},
		{"bad scheme", &backend.URLError{What: "host", URL: "ftp://h:1", Detail: "scheme must be http or https", Word: `unsupported protocol: "ftp"`}, `unsupported protocol: "ftp"`},
		{"other", errors.New("response body too large"), "response body too large"},
	} {
		if got := errorWord(tc.err); got != tc.want {
			t.Errorf("%s: %q, want %q (from %v)", tc.name, got, tc.want, tc.err)
		}
	}
}

// The words of failures the v2 backend really produces: a refused
// connection, a name that does not resolve, a host that cannot be used.
func TestErrorWordsOfV2(t *testing.T) {
	for _, tc := range []struct{ host, want string }{
		{"http://127.0.0.1:1", "connection refused"},
		{"http://no-such-host.invalid:2379", "host not found"},
		{"ftp://h:1", `unsupported protocol: "ftp"`},
		{"127.0.0.1:4001", `invalid uri format: "Parsed text violates expected format"`},
	} {
		be, err := v2http.New(v2http.Config{Host: tc.host})
		if err != nil {
			t.Fatal(err)
		}
		_, err = be.Do(context.Background(), &backend.Op{Kind: backend.Get, Key: "/a", Timeout: 5 * time.Second})
		if err == nil || errorWord(err) != tc.want {
			t.Errorf("%s: %q (from %v), want %q", tc.host, errorWord(err), err, tc.want)
		}
	}
}

// The script gets the word; the host's hook gets the whole error, with
// its typed causes.
func TestRequestInfoKeepsTheCause(t *testing.T) {
	var infos []RequestInfo
	L := NewState(context.Background(), WithRequestHook(func(r RequestInfo) { infos = append(infos, r) }))
	defer L.Close()
	if err := L.DoString(`
		local ent, err = require('etcd.luasocket').new({ host = 'http://127.0.0.1:1', timeout = 5 }):get('/a')
		assert(ent == nil and err == 'connection refused', tostring(err))
	`); err != nil {
		t.Fatal(err)
	}
	if len(infos) == 0 || infos[0].Err == nil || !errors.Is(infos[0].Err, syscall.ECONNREFUSED) {
		t.Fatalf("infos %+v", infos)
	}
	var oe *net.OpError
	if !errors.As(infos[0].Err, &oe) || oe.Op != "dial" || infos[0].URL != "http://127.0.0.1:1/v2/keys/a" {
		t.Errorf("info %+v", infos[0])
	}
}
