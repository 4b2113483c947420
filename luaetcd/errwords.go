package luaetcd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// A call that had no answer returns nil and a short error word, the one
// lua-etcd gave: the text of luasocket 3.0 (plain http) or of LuaSec
// (https, OpenSSL's reason string) for the same failure, because scripts
// compare it (`if err == 'connection refused' then`). The whole Go error,
// with the endpoint and every cause, stays available to Go hosts in
// RequestInfo.Err and to operators in the runner's --trace.
//
// errorWord finds the word from the typed error (errors.Is / errors.As),
// whichever backend produced it. In order (the first that matches wins,
// so a cause inside ErrAllEndpointsFailed or ErrMaybeApplied decides):
//
//	*backend.URLError (host or peer not usable)  its Word: unsupported protocol: "ftp",
//	                                              invalid uri format: "Parsed text violates expected format"
//	TLS to a port that does not speak TLS         wrong version number
//	certificate not trusted, expired, wrong name  certificate verify failed
//	TLS alert from the server                     OpenSSL's text, e.g. tlsv13 alert certificate required
//	context.DeadlineExceeded, a timeout           timeout
//	context.Canceled                              closed
//	ECONNREFUSED                                  connection refused
//	*net.DNSError                                 host not found
//	EOF, ECONNRESET, ECONNABORTED, EPIPE          closed
//	another errno                                 the C library's text, e.g. No route to host
//	anything else (body too large, ...)           the error's text
func errorWord(err error) string {
	var ue *backend.URLError
	if errors.As(err, &ue) {
		return ue.Word
	}
	if w := tlsWord(err); w != "" {
		return w
	}
	var dnsErr *net.DNSError
	var netErr net.Error
	var errno syscall.Errno
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "closed"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dnsErr):
		return "host not found"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed),
		// net/http's HTTP/2 client when the server closed the connection
		// during its set-up (it has no typed error for it).
		strings.Contains(err.Error(), "http2: client conn could not be established"):
		return "closed"
	case errors.As(err, &errno):
		// luasocket's own texts end here; other errors are strerror's,
		// which Go's errno texts match but for the capital.
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}

// tlsWord is LuaSec's word for a TLS failure, or "".
func tlsWord(err error) string {
	var rh tls.RecordHeaderError
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var hn x509.HostnameError
	var oe *net.OpError
	switch {
	case errors.As(err, &rh):
		return "wrong version number"
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &ci), errors.As(err, &hn):
		return "certificate verify failed"
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http replaces the RecordHeaderError of an answer that
		// looks like HTTP with this text only.
		return "wrong version number"
	case errors.As(err, &oe) && oe.Op == "remote error":
		// An alert the server sent (crypto/tls keeps its type
		// unexported): OpenSSL names the common ones so.
		msg := strings.TrimPrefix(oe.Err.Error(), "tls: ")
		switch msg {
		case "bad certificate", "handshake failure", "unsupported certificate", "certificate revoked",
			"certificate expired", "certificate unknown", "illegal parameter", "unexpected message":
			return "sslv3 alert " + msg
		case "certificate required":
			return "tlsv13 alert certificate required"
		case "unknown certificate authority":
			return "tlsv1 alert unknown ca"
		}
		return "tlsv1 alert " + msg
	}
	return ""
}
