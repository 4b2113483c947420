package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

type results struct {
	Machine     string
	Duration    time.Duration
	RunnerOps   int
	Rows        []row
	Startup     []time.Duration // the runner built with -tags noembed
	StartupFull []time.Duration // the default build, which links etcd for --embed
	IdleClient  float64         // bytes per idle client
	State       float64         // bytes per idle Lua state
	Elapsed     time.Duration
	Fsync       bool
	Rounds      int
	Load        string
}

func (res *results) add(r row) { res.Rows = append(res.Rows, r) }

// find returns the row of work/impl/conc.
func (res *results) find(work, impl string, conc int) *row {
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.Work == work && r.Impl == impl && r.Conc == conc {
			return r
		}
	}
	return nil
}

// floorOf is the implementation a row is compared with: the plain
// clientv3 program for the v3 rows, the plain net/http one for the rest.
func floorOf(impl string) string {
	if isV3(impl) {
		return "clientv3"
	}
	return "go-http"
}

// ratioOf is r's speed relative to base: ops/s over ops/s, or for wait,
// where latency is what counts, base's p50 over r's p50. 0: none.
func ratioOf(r, base *row) float64 {
	if base == nil || base.OpsPerSec <= 0 {
		return 0
	}
	if r.Work == "wait" {
		if r.P50 > 0 {
			return float64(base.P50) / float64(r.P50)
		}
		return 0
	}
	return r.OpsPerSec / base.OpsPerSec
}

func (res *results) ratios() {
	for i := range res.Rows {
		r := &res.Rows[i]
		r.Ratio = ratioOf(r, res.find(r.Work, floorOf(r.Impl), r.Conc))
		if r.Impl == "lua-v3" {
			r.V2Ratio = ratioOf(r, res.find(r.Work, "lua", r.Conc))
		}
	}
}

func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	case d < 100*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.0f ms", float64(d)/1e6)
}

func fmtNum(f float64, prec int) string {
	if f < 0 {
		return "—"
	}
	return fmt.Sprintf("%.*f", prec, f)
}

// markdown renders the results as the BENCHMARKS.md section.
func (res *results) markdown(chart string) string {
	res.ratios()
	var b strings.Builder
	fsync := "etcd with --unsafe-no-fsync"
	if res.Fsync {
		fsync = "etcd fsyncing its WAL"
	}
	fmt.Fprintf(&b, "Machine: %s; %s. Each row: %d rounds of %v, implementations in rotating order, ops/s = median of the rounds, latencies and allocations over all operations (runner rows: processes of %d ops until %v had passed). Load average before/after the run: %s. Whole run: %.0f s.\n\n",
		res.Machine, fsync, res.Rounds, res.Duration, res.RunnerOps, res.Duration, res.Load, res.Elapsed.Seconds())
	b.WriteString("× floor: ops/s over the floor's at the same concurrency (for wait: the floor's p50 over this p50); the floor of the v2 rows is go-http, of the v3 rows (clientv3, lua-v3) clientv3. × lua: lua-v3 over lua (the same script on the v2 backend).\n\n")
	b.WriteString("| workload | goroutines | implementation | ops/s | p50 | p99 | allocs/op | B/op | RSS MiB | × floor | × lua |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range res.Rows {
		ratio, v2ratio := "—", "—"
		if r.Ratio > 0 {
			ratio = fmt.Sprintf("%.2f", r.Ratio)
		}
		if r.V2Ratio > 0 {
			v2ratio = fmt.Sprintf("%.2f", r.V2Ratio)
		}
		ops := fmt.Sprintf("%.0f", r.OpsPerSec)
		if r.Work == "wait" {
			ops = "—"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %.0f | %s | %s |\n",
			r.Work, r.Conc, r.Impl, ops, fmtDur(r.P50), fmtDur(r.P99),
			fmtNum(r.AllocsPerOp, 1), fmtNum(r.BytesPerOp, 0), float64(r.RSS)/(1<<20), ratio, v2ratio)
	}
	b.WriteString("\n")
	for _, st := range []struct {
		what  string
		times []time.Duration
	}{
		{"built with `-tags noembed`, as installed for production", res.Startup},
		{"default build, which links etcd's server for `--embed`", res.StartupFull},
	} {
		if len(st.times) == 0 {
			continue
		}
		s := slices.Clone(st.times)
		slices.Sort(s)
		fmt.Fprintf(&b, "Runner start-up (`luaetcd -e ''`, %s; %d runs): median %s, min %s, max %s.\n\n",
			st.what, len(s), fmtDur(s[len(s)/2]), fmtDur(s[0]), fmtDur(s[len(s)-1]))
	}
	fmt.Fprintf(&b, "Idle client (heap growth of building 1000 clients with `Etcd.new()` in one state, per client): %.0f B (%.1f KiB).\n\n",
		res.IdleClient, res.IdleClient/1024)
	fmt.Fprintf(&b, "Idle Lua state (`luaetcd.NewState`, the per-goroutine cost of the Lua path; heap growth of 100 states, per state): %.0f KiB.\n\n", res.State/1024)
	if chart != "" {
		fmt.Fprintf(&b, "![ops/s against goroutines, set and get](%s)\n", chart)
	}
	return b.String()
}

// svg draws ops/s against concurrency for set and get, one line per
// implementation, as two panels side by side.
func (res *results) svg() string {
	works := []string{"set", "get"}
	impls := []struct{ name, color string }{
		{"go-http", "#1f77b4"}, {"lua", "#d62728"}, {"go-v2", "#2ca02c"},
		{"clientv3", "#9467bd"}, {"lua-v3", "#ff7f0e"},
	}
	const (
		pw, ph         = 420.0, 300.0 // panel
		ml, mr, mt, mb = 70.0, 20.0, 40.0, 50.0
	)
	width := float64(len(works)) * (pw + ml + mr)
	height := ph + mt + mb + 30
	var concs []int
	for _, r := range res.Rows {
		if !slices.Contains(concs, r.Conc) && r.Impl != "runner" && r.Work != "wait" {
			concs = append(concs, r.Conc)
		}
	}
	slices.Sort(concs)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	for pi, work := range works {
		ox := float64(pi)*(pw+ml+mr) + ml
		maxY := 0.0
		for _, r := range res.Rows {
			if r.Work == work && r.Impl != "runner" {
				maxY = math.Max(maxY, r.OpsPerSec)
			}
		}
		if maxY == 0 || len(concs) == 0 {
			continue
		}
		maxY = niceCeil(maxY)
		x := func(c int) float64 {
			if len(concs) == 1 {
				return ox + pw/2
			}
			lo, hi := math.Log2(float64(concs[0])), math.Log2(float64(concs[len(concs)-1]))
			return ox + (math.Log2(float64(c))-lo)/(hi-lo)*pw
		}
		y := func(v float64) float64 { return mt + ph - v/maxY*ph }
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="middle" font-size="14" font-weight="bold">%s: ops/s against goroutines</text>`+"\n", ox+pw/2, mt-15, work)
		// Grid and y axis.
		for i := 0; i <= 5; i++ {
			v := maxY * float64(i) / 5
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", ox, y(v), ox+pw, y(v))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%.0f</text>`+"\n", ox-5, y(v)+4, v)
		}
		for _, c := range concs {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`+"\n", x(c), mt, x(c), mt+ph)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", x(c), mt+ph+16, c)
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#333"/>`+"\n", ox, mt, pw, ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">goroutines (log scale)</text>`+"\n", ox+pw/2, mt+ph+34)
		for _, im := range impls {
			var pts []string
			for _, c := range concs {
				if r := res.find(work, im.name, c); r != nil {
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(c), y(r.OpsPerSec)))
				}
			}
			if len(pts) == 0 {
				continue
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), im.color)
			for _, p := range pts {
				xy := strings.Split(p, ",")
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], im.color)
			}
		}
	}
	// Legend.
	lx := ml
	for _, im := range impls {
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="3"/>`+"\n", lx, height-12, lx+24, height-12, im.color)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f">%s</text>`+"\n", lx+30, height-8, im.name)
		lx += 110
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
