package main

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"github.com/luaetcd/go-luaetcd/luaetcd"
	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// BenchmarkListing runs listing.lua (a 100,000-key readdir answer turned
// into one listing string) in the state the runner builds and in lua5.1,
// and reports the time of the listing alone ("listing-ms", as the script
// measures it with os.clock) next to the time of the whole script:
//
//	go test -run '^$' -bench Listing ./cmd/luaetcd-bench
func BenchmarkListing(b *testing.B) {
	b.Run("luaetcd", func(b *testing.B) {
		var out bytes.Buffer
		for i := 0; i < b.N; i++ {
			out.Reset()
			L := luaetcd.NewState(context.Background())
			L.SetGlobal("print", L.NewFunction(lua51.NewPrint(&out)))
			L.SetGlobal("arg", L.NewTable())
			err := L.DoFile("listing.lua")
			L.Close()
			if err != nil {
				b.Fatal(err)
			}
			reportListing(b, out.String())
		}
	})
	b.Run("lua5.1", func(b *testing.B) {
		ref, err := exec.LookPath("lua5.1")
		if err != nil {
			b.Skip("lua5.1 is not installed")
		}
		for i := 0; i < b.N; i++ {
			out, err := exec.Command(ref, "listing.lua").Output()
			if err != nil {
				b.Fatal(err)
			}
			reportListing(b, string(out))
		}
	})
}

var listingRe = regexp.MustCompile(`^100000 keys, 3001991 bytes, ([0-9.]+) ms\n$`)

func reportListing(b *testing.B, out string) {
	m := listingRe.FindStringSubmatch(out)
	if m == nil {
		b.Fatalf("listing.lua printed %q", out)
	}
	ms, _ := strconv.ParseFloat(m[1], 64)
	b.ReportMetric(ms, "listing-ms")
}

// TestListingScript checks that listing.lua gives the same listing under
// our state as under lua5.1 (its size is checked by the benchmark).
func TestListingScript(t *testing.T) {
	L := luaetcd.NewState(context.Background())
	defer L.Close()
	var out bytes.Buffer
	L.SetGlobal("print", L.NewFunction(lua51.NewPrint(&out)))
	arg := L.NewTable()
	arg.RawSetInt(1, lua.LString("1000"))
	L.SetGlobal("arg", arg)
	if err := L.DoFile("listing.lua"); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^1000 keys, 30011 bytes, `).MatchString(out.String()) {
		t.Errorf("listing.lua printed %q", out.String())
	}
}
