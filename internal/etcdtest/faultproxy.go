package etcdtest

import (
	"errors"
	"net"
	"sync"
)

// FaultProxy is a TCP proxy on a loopback port in front of one server
// (an etcd member's client URL), which a test can blackhole: while
// blackholed it still accepts connections, as the kernel does for a
// stopped process or a partition that drops replies, but passes no byte
// either way; what it read is held and passed on when the test restores
// it, as a thawed process reads its socket buffers. It is a fake that
// injects a fault a real member cannot be made to have without root (a
// firewall rule); everything it forwards is the real server's.
type FaultProxy struct {
	// URL is the proxy's http:// URL, to give clients instead of the
	// server's.
	URL string

	ln     net.Listener
	target string

	mu      sync.Mutex
	cond    *sync.Cond
	blocked bool
	closed  bool
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
}

// NewFaultProxy starts a proxy to target (host:port) on a free loopback
// port, passing traffic through. Close stops it.
func NewFaultProxy(target string) (*FaultProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &FaultProxy{URL: "http://" + ln.Addr().String(), ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.cond = sync.NewCond(&p.mu)
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Blackhole makes the proxy silent: connections are still accepted, and
// nothing passes until Restore.
func (p *FaultProxy) Blackhole() {
	p.mu.Lock()
	p.blocked = true
	p.mu.Unlock()
}

// Restore lets traffic pass again, held bytes first.
func (p *FaultProxy) Restore() {
	p.mu.Lock()
	p.blocked = false
	p.mu.Unlock()
	p.cond.Broadcast()
}

// Close stops accepting, closes every connection and waits for the
// proxy's goroutines to end.
func (p *FaultProxy) Close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.cond.Broadcast()
	p.ln.Close()
	p.wg.Wait()
}

func (p *FaultProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		if !p.track(c, up) {
			return
		}
		p.wg.Add(2)
		go p.pipe(up, c)
		go p.pipe(c, up)
	}
}

// track registers a connection pair; false when the proxy is closed.
func (p *FaultProxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	for _, c := range cs {
		p.conns[c] = struct{}{}
	}
	return true
}

// pipe copies from src to dst, holding what it read while the proxy is
// blackholed. When either side ends, both are closed.
func (p *FaultProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	defer func() {
		p.mu.Lock()
		delete(p.conns, dst)
		delete(p.conns, src)
		p.mu.Unlock()
		dst.Close()
		src.Close()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.wait() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			// A side that ended is passed on only once the fault is
			// over: a stopped process sees the peer's close late too.
			if !errors.Is(err, net.ErrClosed) {
				p.wait()
			}
			return
		}
	}
}

// wait blocks while the proxy is blackholed; false when it was closed.
func (p *FaultProxy) wait() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.blocked && !p.closed {
		p.cond.Wait()
	}
	return !p.closed
}
