package compat

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// testHTTPServer answers the requests of testdata/compat/http_cases.lua.
// /echo describes the request it got, so that what our socket.http sends
// is compared with what luasocket sends.
func testHTTPServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var names []string
		for name := range r.Header {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Fprintf(w, "%s %s host=%s", r.Method, r.RequestURI, r.Host)
		for _, name := range names {
			fmt.Fprintf(w, " %s=%s", strings.ToLower(name), strings.Join(r.Header[name], ","))
		}
		fmt.Fprintf(w, " te=%v body=%q", r.TransferEncoding, body)
	})
	mux.HandleFunc("/multi", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		w.Header().Set("X-Single", "s")
		io.WriteString(w, "multi")
	})
	mux.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
		w.WriteHeader(code)
		if code != 204 && code != 304 {
			io.WriteString(w, "status body")
		}
	})
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/redirect/"))
		if n == 0 {
			io.WriteString(w, "done "+r.Method)
			return
		}
		w.Header().Set("Location", "http://"+r.Host+"/redirect/"+strconv.Itoa(n-1))
		w.WriteHeader(http.StatusFound)
		io.WriteString(w, "moved")
	})
	mux.HandleFunc("/relative-redirect", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "redirect/0")
		w.WriteHeader(http.StatusMovedPermanently)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		io.WriteString(w, strings.Repeat("0123456789", 500))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestSocketHTTPAgainstLuaSocket runs http_cases.lua with lua5.1 and
// Debian's luasocket, then with our state, against the same server.
func TestSocketHTTPAgainstLuaSocket(t *testing.T) {
	ref := needLuaSocket(t)
	srv := testHTTPServer(t)
	script := filepath.Join(testdataDir, "http_cases.lua")
	t.Setenv("LUAETCD_TEST_HTTP", srv.URL)
	cmd := exec.Command(ref, script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("lua5.1: %v\n%s", err, stderr.String())
	}
	var out bytes.Buffer
	L := hostState(t, &out)
	if err := L.DoFile(script); err != nil {
		t.Fatalf("ours: %v\noutput:\n%s", err, out.String())
	}
	t.Logf("lua5.1 and luasocket printed:\n%s", want)
	compareLines(t, string(want), out.String())
}

// TestSocketSleepCancelled: a sleep ends as soon as the state's context
// is cancelled (Ctrl-C in the runner), with the context's error.
func TestSocketSleepCancelled(t *testing.T) {
	L := newState(t)
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := L.DoString("require('socket').sleep(30)")
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("sleep took %v after the cancel", d)
	}
}

// TestSocketHTTPCancelled: a request waiting for an answer ends when the
// context is cancelled.
func TestSocketHTTPCancelled(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	L := newState(t)
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	err := L.DoString(fmt.Sprintf("require('socket.http').request(%q)", srv.URL))
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err = %v", err)
	}
}

// TestSocketHTTPS: https works (luasocket needs LuaSec for it), with the
// TLS configuration the host gives (here the test server's CA).
func TestSocketHTTPS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secure "+r.Method)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	srv.StartTLS()
	defer srv.Close()
	L := newState(t)
	code := fmt.Sprintf("return require('socket.http').request(%q)", srv.URL)
	res := eval(t, L, code)
	if res[0] != lua.LNil || !strings.Contains(res[1].String(), "certificate") {
		t.Errorf("without the CA: %v %v", res[0], res[1])
	}
	SetTLSConfig(L, srv.Client().Transport.(*http.Transport).TLSClientConfig)
	res = eval(t, L, code)
	if res[0].String() != "secure GET" || res[1].String() != "200" {
		t.Errorf("with the CA: %v", res)
	}
}
