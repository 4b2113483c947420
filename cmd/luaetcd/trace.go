package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/luaetcd/go-luaetcd/luaetcd"
)

// tracer prints one line per request a client sends (--trace,
// LUAETCD_TRACE): scripts see only lua-etcd's short error word
// ("connection refused"), so this is where an operator reads the whole
// cause, and which endpoint answered after a failover:
//
//	luaetcd: trace get GET http://10.0.0.5:2379/v2/keys/a 200 1.2ms
//	luaetcd: trace set PUT http://10.0.0.5:2379/v2/keys/a error: dial tcp 10.0.0.5:2379: connect: connection refused 0.3ms
//	luaetcd: trace set PUT http://10.0.0.6:2379/v2/keys/a 200 2.1ms (answered by http://10.0.0.6:2379 after a failover)
//	luaetcd: trace get GET http://10.0.0.5:2379/v2/keys/a error: context canceled 2.0s (http://10.0.0.5:2379 suspect: no answer headers within 2s)
//	luaetcd: trace probe GET http://10.0.0.5:2379/health 200 1.1ms
//
// A member that stops answering is marked suspect and probed (the
// client's silent-member rules): the line of the request that marked it
// says why, and each health probe has a line of its own.
// URLs never carry credentials (RequestInfo has none).
type tracer struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	// failed is the endpoint of the last request that had no answer,
	// and failedReq that request without its endpoint, until a request
	// has an answer.
	failed, failedReq string
}

func (t *tracer) hook(r luaetcd.RequestInfo) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := append(t.buf[:0], progName+": trace "...)
	if r.Probe {
		b = append(b, "probe"...)
	} else {
		b = append(b, r.Op...)
	}
	b = append(b, ' ')
	b = append(b, r.Method...)
	b = append(b, ' ')
	if r.URL != "" {
		b = append(b, r.URL...)
	} else {
		// The v3 backend: an RPC, not a URL; the endpoints and the key.
		b = append(b, r.Endpoint...)
		if r.Key != "" {
			b = append(b, ' ')
			b = append(b, r.Key...)
		}
	}
	b = append(b, ' ')
	if r.Err != nil {
		// net/http's url.Error repeats the method and URL shown already.
		err := r.Err
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		b = append(b, "error: "...)
		b = append(b, err.Error()...)
	} else {
		b = strconv.AppendInt(b, int64(r.Status), 10)
	}
	b = append(b, ' ')
	b = append(b, fmtDuration(r.Duration)...)
	if r.Suspect != "" {
		b = fmt.Appendf(b, " (%s suspect: %s)", r.Endpoint, r.Suspect)
	}
	req := r.Method + " " + strings.TrimPrefix(r.URL, r.Endpoint)
	switch {
	case r.Probe:
		// A probe runs beside the requests: it neither fails them over
		// nor ends a failover.
	case r.Err != nil:
		t.failed, t.failedReq = r.Endpoint, req
	case t.failed != "":
		// The same request on another endpoint (not the peer's answer
		// given by /v2/members instead).
		if t.failed != r.Endpoint && t.failedReq == req {
			b = fmt.Appendf(b, " (answered by %s after a failover)", r.Endpoint)
		}
		t.failed, t.failedReq = "", ""
	}
	b = append(b, '\n')
	t.buf = b
	t.w.Write(b)
}

// fmtDuration rounds d to what a trace needs: 0.3ms, 12ms, 1.5s.
func fmtDuration(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}
