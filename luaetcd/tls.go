package luaetcd

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync"
)

// tlsFiles are the cacert, cert and key options of Etcd.new.
type tlsFiles struct {
	caFile, certFile, keyFile string
}

func (f tlsFiles) empty() bool { return f == tlsFiles{} }

// tlsCache keeps one *tls.Config per set of files, so clients built with
// the same files share one transport and its connections.
var tlsCache sync.Map // tlsFiles -> *tls.Config

// load reads the files into a TLS configuration. A cert needs its key and
// the other way round.
func (f tlsFiles) load() (*tls.Config, error) {
	if c, ok := tlsCache.Load(f); ok {
		return c.(*tls.Config), nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return nil, fmt.Errorf("opts.cacert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("opts.cacert: no PEM certificate in %s", f.caFile)
		}
		tc.RootCAs = pool
	}
	if (f.certFile == "") != (f.keyFile == "") {
		return nil, fmt.Errorf("opts.cert and opts.key go together")
	}
	if f.certFile != "" {
		cert, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
		if err != nil {
			return nil, fmt.Errorf("opts.cert: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	c, _ := tlsCache.LoadOrStore(f, tc)
	return c.(*tls.Config), nil
}
