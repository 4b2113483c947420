package luaetcd

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// tlsFiles are the cacert, cert and key options of Etcd.new.
type tlsFiles struct {
	caFile, certFile, keyFile string
}

func (f tlsFiles) empty() bool { return f == tlsFiles{} }

// tlsEntry is one cached configuration with the size and modification
// time its files had when they were read.
type tlsEntry struct {
	tc    *tls.Config
	stamp [3]fileStamp
}

type fileStamp struct {
	size int64
	mod  time.Time
}

// tlsCache keeps one *tls.Config per set of files, so clients built with
// the same files share one transport and its connections (the v2 client
// keeps one keep-alive transport per *tls.Config). A file that changed
// since (a renewed certificate) is read again, giving a new configuration
// for the clients built after that.
var tlsCache sync.Map // tlsFiles -> *tlsEntry

// stamps returns the size and modification time of the files given; ok is
// false when one cannot be stat'ed (loading will then say why).
func (f tlsFiles) stamps() (st [3]fileStamp, ok bool) {
	for i, name := range [3]string{f.caFile, f.certFile, f.keyFile} {
		if name == "" {
			continue
		}
		fi, err := os.Stat(name)
		if err != nil {
			return st, false
		}
		st[i] = fileStamp{fi.Size(), fi.ModTime()}
	}
	return st, true
}

// load reads the files into a TLS configuration for Etcd.new; its errors
// name the options ("opts.cacert: open /x: no such file or directory").
func (f tlsFiles) load() (*tls.Config, error) {
	tc, err := f.loadCached()
	if err != nil {
		return nil, fmt.Errorf("opts.%w", err)
	}
	return tc, nil
}

// loadCached returns the cached configuration for f when its files did
// not change, else reads them. Failures are not cached.
func (f tlsFiles) loadCached() (*tls.Config, error) {
	st, ok := f.stamps()
	if v, hit := tlsCache.Load(f); hit && ok && v.(*tlsEntry).stamp == st {
		return v.(*tlsEntry).tc, nil
	}
	tc, err := f.read()
	if err != nil {
		return nil, err
	}
	e := &tlsEntry{tc: tc, stamp: st}
	for {
		old, loaded := tlsCache.LoadOrStore(f, e)
		if !loaded {
			return tc, nil
		}
		if oe := old.(*tlsEntry); oe.stamp == st {
			// Another goroutine read the same files first: share its
			// configuration, and so its connections.
			return oe.tc, nil
		}
		if tlsCache.CompareAndSwap(f, old, e) {
			return tc, nil
		}
	}
}

// read reads the files. A cert needs its key and the other way round.
// Errors start with the option's name without "opts." ("cacert: ...").
func (f tlsFiles) read() (*tls.Config, error) {
	if (f.certFile == "") != (f.keyFile == "") {
		if f.certFile == "" {
			return nil, errors.New("key: needs cert too")
		}
		return nil, errors.New("cert: needs key too")
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return nil, fmt.Errorf("cacert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cacert: no PEM certificate in %s", f.caFile)
		}
		tc.RootCAs = pool
	}
	if f.certFile != "" {
		certPEM, err := os.ReadFile(f.certFile)
		if err != nil {
			return nil, fmt.Errorf("cert: %w", err)
		}
		keyPEM, err := os.ReadFile(f.keyFile)
		if err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("cert: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// LoadTLSConfig reads PEM files into a TLS configuration for
// WithTLSConfig: caFile (the CA that signed the servers' certificates;
// empty means the system's roots), and certFile with keyFile (a client
// certificate, for servers that require one; both or neither). The result
// is cached per set of files, and shared with scripts that pass the same
// files as opts.cacert, opts.cert and opts.key, so all of them use one
// connection pool; files changed since are read again. Errors name the
// file's role: "cacert: open /x: no such file or directory".
func LoadTLSConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	f := tlsFiles{caFile, certFile, keyFile}
	if f.empty() {
		return nil, errors.New("no TLS file given")
	}
	return f.loadCached()
}
