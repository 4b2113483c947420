package compat

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// socket.http as in luasocket 3.0: request(url [, body]) (the simple
// form: body, code, headers, status) and request{...} (the generic form:
// 1, code, headers, status, the body going to reqt.sink), both nil and an
// error text when the request fails. What luasocket does is kept: the
// default headers (user-agent, host, connection "close, TE", te), header
// names in lower case with repeated ones joined by ", ", redirects followed
// for GET and HEAD only (301, 302, 303, 307; at most maxredirects, 5 by
// default; never from https to http), a 408 answered as 1, 408, and the
// URL's user and password sent as basic auth. The requests are made by
// Go's HTTP client, so:
//   - https works (luasocket needs LuaSec for it), with the host's TLS
//     configuration (SetTLSConfig; the runner passes --cacert, --cert and
//     --key) or the system's roots;
//   - the state's context ends a request (Ctrl-C in the runner);
//   - http.TIMEOUT (seconds, read at each request) bounds connecting and
//     waiting for the response headers, not the whole transfer;
//   - reqt.source is read to its end before the request is sent, and
//     reqt.step and reqt.create are ignored.

const tlsRegistryKey = "luaetcd.compat.tls"

// SetTLSConfig makes socket.http in L use tc for https (a CA of a private
// PKI, a client certificate). Without it the system's roots are used.
func SetTLSConfig(L *lua.LState, tc *tls.Config) {
	ud := L.NewUserData()
	ud.Value = tc
	L.G.Registry.RawSetString(tlsRegistryKey, ud)
}

func tlsConfigOf(L *lua.LState) *tls.Config {
	if ud, ok := L.G.Registry.RawGetString(tlsRegistryKey).(*lua.LUserData); ok {
		if tc, ok := ud.Value.(*tls.Config); ok {
			return tc
		}
	}
	return nil
}

func loadSocketHTTP(L *lua.LState) int {
	L.Push(newSocketHTTPModule(L))
	return 1
}

func loadLtn12(L *lua.LState) int {
	L.Push(runChunk(L, ltn12Proto()))
	return 1
}

func newSocketHTTPModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	mod.RawSetString("TIMEOUT", lua.LNumber(60))
	mod.RawSetString("USERAGENT", lua.LString(socketVersion))
	mod.RawSetString("request", L.NewFunction(func(L *lua.LState) int { return httpRequest(L, mod) }))
	return mod
}

// httpFailure is a failed request: request returns nil and the text.
type httpFailure struct{ msg string }

func (f *httpFailure) Error() string { return f.msg }

func httpRequest(L *lua.LState, mod *lua.LTable) int {
	switch first := L.Get(1).(type) {
	case lua.LString:
		var body *string
		if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
			b := luaString(L, 2)
			body = &b
		}
		return simpleRequest(L, mod, string(first), body)
	case *lua.LTable:
		res, err := genericRequest(L, mod, first, 0)
		if err != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString(err.Error()))
			return 2
		}
		return pushResult(L, res)
	default:
		L.RaiseError("attempt to index local 'reqt' (a %s value)", first.Type().String())
		return 0
	}
}

type httpResult struct {
	code    int
	headers *lua.LTable // nil after a 408
	status  string
}

func pushResult(L *lua.LState, r *httpResult) int {
	L.Push(lua.LNumber(1))
	L.Push(lua.LNumber(r.code))
	if r.headers == nil {
		return 2
	}
	L.Push(r.headers)
	L.Push(lua.LString(r.status))
	return 4
}

// simpleRequest is request(url [, body]): a GET, or a form POST of body;
// the answer's body is collected into a string.
func simpleRequest(L *lua.LState, mod *lua.LTable, url string, body *string) int {
	var chunks []string
	reqt := L.NewTable()
	reqt.RawSetString("url", lua.LString(url))
	reqt.RawSetString("sink", L.NewFunction(func(L *lua.LState) int {
		if s, ok := L.Get(1).(lua.LString); ok {
			chunks = append(chunks, string(s))
		}
		L.Push(lua.LNumber(1))
		return 1
	}))
	if body != nil {
		b := *body
		sent := false
		reqt.RawSetString("source", L.NewFunction(func(L *lua.LState) int {
			if sent || b == "" {
				L.Push(lua.LNil)
				return 1
			}
			sent = true
			L.Push(lua.LString(b))
			return 1
		}))
		h := L.NewTable()
		h.RawSetString("content-length", lua.LNumber(len(b)))
		h.RawSetString("content-type", lua.LString("application/x-www-form-urlencoded"))
		reqt.RawSetString("headers", h)
		reqt.RawSetString("method", lua.LString("POST"))
	}
	res, err := genericRequest(L, mod, reqt, 0)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LString(strings.Join(chunks, "")))
	L.Push(lua.LNumber(res.code))
	if res.headers == nil {
		// luasocket returns all four, nil after a 408.
		L.Push(lua.LNil)
		L.Push(lua.LNil)
		return 4
	}
	L.Push(res.headers)
	L.Push(lua.LString(res.status))
	return 4
}

// field is reqt[name] as a string, if set (not nil or false).
func field(L *lua.LState, t *lua.LTable, name string) (string, bool) {
	v := L.GetField(t, name)
	if !lua.LVAsBool(v) {
		return "", false
	}
	return luaToString(L, v), true
}

// genericRequest performs request{...}.
func genericRequest(L *lua.LState, mod *lua.LTable, reqt *lua.LTable, redirects int) (*httpResult, error) {
	// The URL's parts over the defaults (path "/", scheme "http"), then
	// the request's own fields over those.
	parts := urlParts{}
	if u, ok := field(L, reqt, "url"); ok && u != "" {
		parts["path"], parts["scheme"] = "/", "http"
		parseURL(u, parts)
	}
	for _, name := range []string{"scheme", "host", "port", "path", "params", "query", "fragment", "user", "password"} {
		if v, ok := field(L, reqt, name); ok {
			parts[name] = v
		}
	}
	scheme := parts["scheme"]
	defaultPort := map[string]string{"http": "80", "https": "443"}[scheme]
	if defaultPort == "" {
		L.RaiseError("socket.http: unsupported scheme '%s' (http and https are)", scheme)
	}
	port := parts["port"]
	if port == "" {
		port = defaultPort
	}
	method, _ := field(L, reqt, "method")
	if method == "" {
		method = "GET"
	}
	host, hasHost := parts["host"]
	if !hasHost || host == "" {
		name := "nil"
		if hasHost {
			name = host
		}
		return nil, &httpFailure{"invalid host '" + name + "'"}
	}
	uri, hasURI := field(L, reqt, "uri")
	if !hasURI {
		path, ok := parts["path"]
		if !ok {
			return nil, &httpFailure{"invalid path 'nil'"}
		}
		uri = path
		if p, ok := parts["params"]; ok {
			uri += ";" + p
		}
		if q, ok := parts["query"]; ok {
			uri += "?" + q
		}
		if f, ok := parts["fragment"]; ok {
			uri += "#" + f
		}
	}

	// Headers: luasocket's defaults, overridden by the request's.
	hostHeader := host
	if port != defaultPort {
		hostHeader += ":" + port
	}
	userAgent := luaToString(L, L.GetField(mod, "USERAGENT"))
	headers := map[string]string{
		"user-agent": userAgent,
		"host":       hostHeader,
		"connection": "close, TE",
		"te":         "trailers",
	}
	user, hasUser := parts["user"]
	password, hasPassword := parts["password"]
	if hasUser && hasPassword {
		headers["authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+unescapeString(password)))
	}
	if userHeaders, ok := L.GetField(reqt, "headers").(*lua.LTable); ok {
		userHeaders.ForEach(func(k, v lua.LValue) {
			headers[strings.ToLower(concatValue(L, k))] = concatValue(L, v)
		})
	}

	// The body, read from the source to its end.
	var body []byte
	source := L.GetField(reqt, "source")
	hasSource := lua.LVAsBool(source)
	if hasSource {
		var buf bytes.Buffer
		for {
			L.Push(source)
			L.Call(0, 2)
			chunk, serr := L.Get(-2), L.Get(-1)
			L.Pop(2)
			if !lua.LVAsBool(chunk) {
				if lua.LVAsBool(serr) {
					return nil, &httpFailure{luaToString(L, serr)}
				}
				break
			}
			buf.WriteString(concatValue(L, chunk))
		}
		body = buf.Bytes()
	}

	timeout := 60.0
	if n, ok := L.GetField(mod, "TIMEOUT").(lua.LNumber); ok {
		timeout = float64(n)
	}
	resp, err := sendHTTP(L, httpSend{
		method: method, scheme: scheme, host: host, port: port, uri: uri,
		headers: headers, body: body, hasBody: hasSource,
		proxy:   proxyOf(L, reqt, mod),
		timeout: time.Duration(timeout * float64(time.Second)),
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()

	if resp.StatusCode == 408 {
		return &httpResult{code: 408}, nil
	}
	respHeaders := L.NewTable()
	for name, values := range resp.Header {
		respHeaders.RawSetString(strings.ToLower(name), lua.LString(strings.Join(values, ", ")))
	}
	status := resp.Proto + " " + resp.Status

	if location, ok := redirectTo(L, reqt, resp.StatusCode, respHeaders, method, scheme, redirects, hasSource); ok {
		resp.Body.Close()
		next := L.NewTable()
		base, _ := field(L, reqt, "url")
		next.RawSetString("url", lua.LString(resolveURL(L, base, location)))
		for _, name := range []string{"source", "sink", "headers", "proxy", "maxredirects"} {
			next.RawSetString(name, L.GetField(reqt, name))
		}
		res, err := genericRequest(L, mod, next, redirects+1)
		if err != nil {
			return nil, err
		}
		if res.headers != nil && res.headers.RawGetString("location") == lua.LNil {
			res.headers.RawSetString("location", lua.LString(location))
		}
		return res, nil
	}

	if method != "HEAD" && resp.StatusCode != 204 && resp.StatusCode != 304 && (resp.StatusCode < 100 || resp.StatusCode >= 200) {
		if err := pumpBody(L, resp.Body, L.GetField(reqt, "sink")); err != nil {
			return nil, err
		}
	}
	return &httpResult{code: resp.StatusCode, headers: respHeaders, status: status}, nil
}

// redirectTo tells whether luasocket would follow the answer, and where.
func redirectTo(L *lua.LState, reqt *lua.LTable, code int, headers *lua.LTable, method, scheme string, redirects int, hasSource bool) (string, bool) {
	loc, ok := headers.RawGetString("location").(lua.LString)
	if !ok || hasSource {
		return "", false
	}
	location := strings.Join(strings.Fields(string(loc)), "")
	if location == "" {
		return "", false
	}
	target := urlParts{}
	parseURL(location, target)
	newScheme, hasScheme := target["scheme"]
	if hasScheme && newScheme != "http" && newScheme != "https" {
		return "", false
	}
	if scheme == "https" && newScheme != "https" {
		return "", false
	}
	if v := L.GetField(reqt, "redirect"); v == lua.LFalse {
		return "", false
	}
	if code != 301 && code != 302 && code != 303 && code != 307 {
		return "", false
	}
	if m, ok := field(L, reqt, "method"); ok && m != "GET" && m != "HEAD" {
		return "", false
	}
	switch max := L.GetField(reqt, "maxredirects").(type) {
	case lua.LBool:
		if max == lua.LFalse {
			return string(loc), true
		}
	case lua.LNumber:
		return string(loc), redirects < int(max)
	}
	return string(loc), redirects < 5
}

// resolveURL is socket.url.absolute(base, rel).
func resolveURL(L *lua.LState, base, rel string) string {
	var b lua.LValue = lua.LNil
	if base != "" {
		b = lua.LString(base)
	}
	if err := L.CallByParam(lua.P{Fn: L.NewFunction(urlAbsolute), NRet: 1, Protect: true}, b, lua.LString(rel)); err != nil {
		return rel
	}
	v := L.Get(-1)
	L.Pop(1)
	return luaToString(L, v)
}

func proxyOf(L *lua.LState, reqt, mod *lua.LTable) string {
	if p, ok := field(L, reqt, "proxy"); ok {
		return p
	}
	if p, ok := field(L, mod, "PROXY"); ok {
		return p
	}
	return ""
}

// pumpBody hands the body to sink in blocks of 2048 bytes, then nil.
func pumpBody(L *lua.LState, r io.Reader, sink lua.LValue) error {
	if !lua.LVAsBool(sink) {
		_, err := io.Copy(io.Discard, r)
		if err != nil {
			return &httpFailure{netErrorText(err)}
		}
		return nil
	}
	call := func(chunk lua.LValue) error {
		L.Push(sink)
		L.Push(chunk)
		L.Call(1, 2)
		ok, serr := L.Get(-2), L.Get(-1)
		L.Pop(2)
		if !lua.LVAsBool(ok) {
			if lua.LVAsBool(serr) {
				return &httpFailure{luaToString(L, serr)}
			}
			return &httpFailure{"sink failed"}
		}
		return nil
	}
	buf := make([]byte, 2048)
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if cerr := call(lua.LString(buf[:n])); cerr != nil {
				return cerr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return call(lua.LNil)
		}
		if err != nil {
			return &httpFailure{netErrorText(err)}
		}
	}
}

type httpSend struct {
	method, scheme, host, port, uri string
	headers                         map[string]string
	body                            []byte
	hasBody                         bool
	proxy                           string
	timeout                         time.Duration
}

// sendHTTP sends one request, on a connection of its own (luasocket asks
// for "connection: close").
func sendHTTP(L *lua.LState, s httpSend) (*http.Response, error) {
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	hostport := net.JoinHostPort(s.host, s.port)
	req, err := http.NewRequestWithContext(ctx, s.method, s.scheme+"://"+hostport+"/", nil)
	if err != nil {
		return nil, &httpFailure{err.Error()}
	}
	req.URL.Opaque = s.uri // sent as it is, as luasocket does
	if !strings.HasPrefix(s.uri, "/") {
		req.URL.Opaque = "/" + s.uri
	}
	req.Close = true
	req.Header = http.Header{}
	for name, value := range s.headers {
		switch name {
		case "host":
			req.Host = value
		case "connection":
			// Sent as given; with req.Close Go adds "close" if missing.
			req.Header.Set("Connection", value)
		case "content-length":
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil {
				return nil, &httpFailure{"invalid content-length '" + value + "'"}
			}
			req.ContentLength = n
		case "transfer-encoding":
			// Go chunks a body of unknown length itself.
		default:
			req.Header[http.CanonicalHeaderKey(name)] = []string{value}
		}
	}
	if s.hasBody {
		if _, ok := s.headers["content-length"]; !ok {
			req.ContentLength = -1
			req.Body = io.NopCloser(bytes.NewReader(s.body))
		} else {
			if int64(len(s.body)) != req.ContentLength {
				return nil, &httpFailure{"content-length does not match the body (" + strconv.Itoa(len(s.body)) + " bytes)"}
			}
			req.Body = io.NopCloser(bytes.NewReader(s.body))
		}
		body := s.body
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	tr := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: s.timeout}).DialContext,
		TLSClientConfig:       tlsConfigOf(L),
		TLSHandshakeTimeout:   s.timeout,
		ResponseHeaderTimeout: s.timeout,
		DisableKeepAlives:     true,
		DisableCompression:    true,
	}
	if s.proxy != "" {
		p := urlParts{}
		parseURL(s.proxy, p)
		port := p["port"]
		if port == "" {
			port = "3128"
		}
		tr.Proxy = http.ProxyURL(&neturl.URL{Scheme: "http", Host: net.JoinHostPort(p["host"], port)})
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			L.RaiseError("%s", ctx.Err().Error())
		}
		return nil, &httpFailure{netErrorText(err)}
	}
	return resp, nil
}

// netErrorText words a transport error as luasocket does where it can.
func netErrorText(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "no route to host"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network is unreachable"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "host or service not provided, or not known"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed"
	}
	var ue *neturl.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
