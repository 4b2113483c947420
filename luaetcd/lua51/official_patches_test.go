package lua51

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

// officialPatch switches off one line of an official test file: the line
// numbered Line must read Old exactly (so a new gopher-lua version whose
// files differ fails loudly instead of patching the wrong line), and is
// replaced by New, one line for one so that the other line numbers (and
// the positions in error messages the files check) stay the same. KD is
// the entry of testdata/lua51/KNOWN_DIFFERENCES.md that explains it.
type officialPatch struct {
	Line     int
	Old, New string
	KD       string
}

// off switches off a statement that fits on one line by commenting it out.
func off(line int, old, kd string) []officialPatch {
	return []officialPatch{{line, old, "-- " + old, kd}}
}

// repl replaces a line.
func repl(line int, old, new, kd string) []officialPatch {
	return []officialPatch{{line, old, new, kd}}
}

// skip switches off the statement (or block of statements) from line
// `from` to line `to` by wrapping it in "if false then ... end".
func skip(from int, oldFrom string, to int, oldTo, kd string) []officialPatch {
	return []officialPatch{{from, oldFrom, "if false then " + oldFrom, kd}, {to, oldTo, oldTo + " end", kd}}
}

// officialSkipped lists the files not run at all, and why.
var officialSkipped = map[string]string{
	// lua5.1 fails it too (gopher-lua's copy expects its own limits), after
	// 6 s of work: not worth the time of every test run.
	"big.lua": "lua5.1 fails this file as gopher-lua ships it (big.lua:12)",
	// See OT10 in KNOWN_DIFFERENCES.md: gopher-lua's compiler needs minutes
	// for its 100,000 constants (lua5.1: 0.2 s).
	"verybig.lua": "OT10: gopher-lua compiles a function with 100,000 constants in quadratic time",
}

// officialPatches are the patches per file (the OTn entries of
// KNOWN_DIFFERENCES.md say why). db.lua needs many: gopher-lua's debug
// library has no hooks and reports less than Lua 5.1's.
var officialPatches = map[string][][]officialPatch{
	"db.lua": {
		off(19, `  debug.sethook(f,"l"); loadstring(s)(); debug.sethook()`, "OT8"),
		off(20, `  assert(table.getn(l) == 0)`, "OT8"),
		skip(160, `debug.sethook(function (e,l)`,
			174, `end, "crl")`, "OT8"),
		off(181, `  assert(debug.setlocal(2, 3, "pera") == "AA".."AA")`, "OT9"),
		off(182, "  assert(debug.setlocal(2, 4, \"ma\xe7\xe3\") == \"B\")", "OT9"),
		off(187, `  assert(debug.getinfo(1, "l").currentline == L+1)`, "OT8"),
		off(188, `  assert(debug.getinfo(1, "l").currentline == L+2)`, "OT8"),
		off(193, `  assert(debug.getinfo(1, "l").currentline == L+1)`, "OT8"),
		off(203, `assert(debug.getinfo(1, "l").currentline == L+11)  -- check count of lines`, "OT8"),
		off(211, "  assert(AAAA == \"pera\" and B == \"ma\xe7\xe3\")", "OT9"),
		off(215, `     assert(x == 'B' and y == 13)`, "OT9"),
		off(222, `assert(a[f] and a[g] and a[assert] and a[debug.getlocal] and not a[print])`, "OT8"),
		off(232, `assert(not debug.getlocal(0, 0))`, "OT9"),
		skip(255, `debug.sethook(function (e)`,
			276, `end, "c")`, "OT8"),
		off(279, `assert(X.self == a and X.a == 1   and X.b == 2 and X.arg.n == 3 and X.c == nil)`, "OT8"),
		off(280, `assert(XX == 12)`, "OT8"),
		off(317, `debug.sethook(function (e) a=a+1 end, "", 1)`, "OT8"),
		off(318, `a=0; for i=1,1000 do end; assert(1000 < a and a < 1012)`, "OT8"),
		off(319, `debug.sethook(function (e) a=a+1 end, "", 4)`, "OT8"),
		off(320, `a=0; for i=1,1000 do end; assert(250 < a and a < 255)`, "OT8"),
		off(322, `assert(m == "" and c == 4)`, "OT8"),
		off(323, `debug.sethook(function (e) a=a+1 end, "", 4000)`, "OT8"),
		off(325, `debug.sethook(print, "", 2^24 - 1)   -- count upperbound`, "OT8"),
		off(327, `assert(({debug.gethook()})[3] == 2^24 - 1)`, "OT8"),
		off(336, `    assert(not pcall(getfenv, 3))`, "OT9"),
		skip(337, `    assert(tail.what == "tail" and tail.short_src == "(tail call)" and`,
			338, `           tail.linedefined == -1 and tail.func == nil)`, "OT9"),
		off(341, `    assert(debug.getinfo(4, "S").what == "tail")`, "OT9"),
		off(342, `    assert(not pcall(getfenv, 5))`, "OT9"),
		off(358, `debug.sethook(function (e) table.insert(b, e) end, "cr")`, "OT8"),
		off(366, `for _, k in ipairs(res) do assert(k == table.remove(b, 1)) end`, "OT8"),
		off(373, `    for i=2,lim do assert(debug.getinfo(i, "S").what == "tail") end`, "OT9"),
		off(386, `assert(debug.traceback(print) == print)`, "OT9"),
		off(387, `assert(debug.traceback(print, 4) == print)`, "OT9"),
		off(400, `    assert(i == 0 or string.find(l, p[i]))`, "OT9"),
		off(403, `  assert(p[i] == nil)`, "OT9"),
		off(426, `debug.sethook(co, foo, "l")`, "OT8"),
		off(430, `assert(x.currentline == l.currentline and x.activelines[x.currentline])`, "OT9"),
		off(431, `assert(type(x.func) == "function")`, "OT9"),
		skip(432, `for i=x.linedefined + 1, x.lastlinedefined do`,
			433, `  assert(x.activelines[i])`, "OT9"),
		off(436, `assert(next(x.activelines) == nil)   -- no 'extra' elements`, "OT9"),
		off(438, `local a,b = debug.getlocal(co, 1, 1)`, "OT9"),
		off(439, `assert(a == "x" and b == 10)`, "OT9"),
		off(440, `a,b = debug.getlocal(co, 1, 2)`, "OT9"),
		off(441, `assert(a == "a" and b == 1)`, "OT9"),
		off(442, `debug.setlocal(co, 1, 2, "hi")`, "OT9"),
		off(443, `assert(debug.gethook(co) == foo)`, "OT8"),
		skip(444, `assert(table.getn(tr) == 2 and`,
			445, `       tr[1] == l.currentline-1 and tr[2] == l.currentline)`, "OT8"),
		off(452, `assert(a and b == "hi")`, "OT9"),
		off(453, `assert(table.getn(tr) == 4 and tr[4] == l.currentline+2)`, "OT8"),
		off(454, `assert(debug.gethook(co) == foo)`, "OT8"),
		off(483, `  debug.sethook(function () end, "l")`, "OT8"),
	},
	"errors.lua": {
		repl(12, `  assert(string.find(doit(prog), msg, 1, true))`,
			`  assert(doit(prog))  -- OT2: that it fails, not the wording`, "OT2"),
		repl(20, `  assert(string.find(msg, pt))`,
			`  assert(msg)  -- OT1: that it fails, not the wording`, "OT1"),
		off(39, `assert(doit";")`, "OT1"),
		off(40, `assert(doit"a=1;;")`, "OT1"),
		off(44, `assert(doit"a=math.sin\n(3)")`, "OT1"),
		off(126, `assert(lineerror"\n\n for k,v in \n 3 \n do \n print(k) \n end" == 4)`, "OT3"),
		skip(163, `while stack[i] ~= l1 do`,
			167, `assert(i > 15)`, "OT4"),
		off(214, `  assert(not a and string.find(b, "syntax levels"))`, "OT11"),
		off(238, `assert(string.find(b, "line 3"))`, "OT11"),
		off(247, `assert(string.find(b, "line 2"))`, "OT11"),
	},
	"gc.lua": {
		off(111, `assert(dosteps(0) > 10)`, "OT5"),
		off(112, `assert(dosteps(6) < dosteps(2))`, "OT5"),
		skip(151, `a = {}; setmetatable(a, {__mode = 'k'});`,
			200, `assert(next(a) == string.rep('$', 11))`, "OT6"),
		skip(204, `collectgarbage("stop")   -- stop collection`,
			255, `assert(not pcall(collectgarbage))`, "OT6"),
	},
	"nextvar.lua": {
		off(371, `a = 0; for i="10","1","-2" do a=a+1 end; assert(a==5)`, "OT7"),
	},
}

// applyPatches applies patches to src (file's text); described holds the
// entries of KNOWN_DIFFERENCES.md.
func applyPatches(file string, src []byte, groups [][]officialPatch, described map[string]bool) ([]byte, error) {
	lines := bytes.Split(src, []byte("\n"))
	var patches []officialPatch
	for _, g := range groups {
		patches = append(patches, g...)
	}
	for _, p := range patches {
		if !described[p.KD] {
			return nil, fmt.Errorf("%s:%d: patch names %q, which KNOWN_DIFFERENCES.md does not describe", file, p.Line, p.KD)
		}
		if p.Line < 1 || p.Line > len(lines) {
			return nil, fmt.Errorf("%s:%d: no such line", file, p.Line)
		}
		if got := string(bytes.TrimRight(lines[p.Line-1], "\r")); got != p.Old {
			return nil, fmt.Errorf("%s:%d: the patch expects %q, the file has %q", file, p.Line, p.Old, got)
		}
		if bytes.ContainsRune([]byte(p.New), '\n') {
			return nil, fmt.Errorf("%s:%d: a patch replaces one line by one line", file, p.Line)
		}
		lines[p.Line-1] = []byte(p.New)
	}
	return bytes.Join(lines, []byte("\n")), nil
}

// skipEntry finds the entry an officialSkipped reason starts with.
var skipEntry = regexp.MustCompile(`^(OT\d+):`)

// TestOfficialEntriesUsed fails on an OTn entry of KNOWN_DIFFERENCES.md
// that no patch and no skipped file names (its patches were all removed:
// the entry is stale), as the corpus tests fail on unused KDn entries.
func TestOfficialEntriesUsed(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(corpusDir, "KNOWN_DIFFERENCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, groups := range officialPatches {
		for _, g := range groups {
			for _, p := range g {
				used[p.KD] = true
			}
		}
	}
	for _, why := range officialSkipped {
		if m := skipEntry.FindStringSubmatch(why); m != nil {
			used[m[1]] = true
		}
	}
	var unused []string
	for _, m := range kdHeading.FindAllStringSubmatch(string(doc), -1) {
		if len(m[1]) > 2 && m[1][:2] == "OT" && !used[m[1]] {
			unused = append(unused, m[1])
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("KNOWN_DIFFERENCES.md describes %v, which no patch of the official tests and no skipped file names", unused)
	}
}
