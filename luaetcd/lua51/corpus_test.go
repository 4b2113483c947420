package lua51

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// The corpus in testdata/lua51 is run with our state and with Debian's
// lua5.1, and the outputs must be the same line by line, except lines that
// start with a tag "[KDn]" (printed by the script itself, so both sides
// print it): those may differ, and must, if KDn is a known difference
// described in KNOWN_DIFFERENCES.md. The test fails on any other difference,
// on a tagged line that no longer differs, and on a tag used by no script or
// missing from the file.

const corpusDir = "../../testdata/lua51"

// hostModulesMark starts the scripts that require modules our hosts add
// (package compat): this package's bare state cannot run them.
const hostModulesMark = "-- corpus: host modules"

var (
	tagRe     = regexp.MustCompile(`^\[(KD\d+)\]`)
	headingRe = regexp.MustCompile(`(?m)^## (KD\d+):`)
	// sourceTagRe finds the tags a script prints.
	sourceTagRe = regexp.MustCompile(`\[(KD\d+)\]`)
)

// runOurs runs file (relative to dir) as our hosts build states, with print
// and io.write writing to the returned output.
func runOurs(t *testing.T, dir, file string) (string, error) {
	L, out := newState(t)
	defer L.Close()
	if io, ok := L.GetGlobal("io").(*lua.LTable); ok {
		io.RawSetString("write", L.NewFunction(func(L *lua.LState) int {
			for i := 1; i <= L.GetTop(); i++ {
				out.WriteString(L.CheckString(i)) // numbers too, as %.14g
			}
			return 0
		}))
	}
	// As lua5.1 runs it: in the corpus folder (scripts require modules
	// from ./modules and read files back).
	t.Chdir(dir)
	src, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	if bytes.HasPrefix(src, []byte(hostModulesMark)) {
		t.Skip("needs the host's modules (socket, ltn12): run by package compat's corpus test and the runner's")
	}
	fn, err := L.Load(bytes.NewReader(src), file)
	if err != nil {
		return out.String(), err
	}
	L.Push(fn)
	err = L.PCall(0, 0, nil)
	return out.String(), err
}

func knownDifferences(t *testing.T) map[string]bool {
	doc, err := os.ReadFile(filepath.Join(corpusDir, "KNOWN_DIFFERENCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range headingRe.FindAllStringSubmatch(string(doc), -1) {
		known[m[1]] = true
	}
	return known
}

func TestCorpus(t *testing.T) {
	lua51, err := exec.LookPath("lua5.1")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("lua5.1 is not installed, and CI is set: the corpus must be compared with it (apt-get install lua5.1)")
		}
		t.Skip("lua5.1 is not installed: skipping the comparison of testdata/lua51 with Lua 5.1 (apt-get install lua5.1; with CI set this fails)")
	}
	known := knownDifferences(t)
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("only %d scripts in %s", len(files), corpusDir)
	}
	used := map[string]bool{}
	for _, path := range files {
		file := filepath.Base(path)
		// The tags of the scripts compared elsewhere (see hostModulesMark)
		// count as used; package compat checks their lines.
		if src, err := os.ReadFile(path); err == nil && bytes.HasPrefix(src, []byte(hostModulesMark)) {
			for _, m := range sourceTagRe.FindAllStringSubmatch(string(src), -1) {
				used[m[1]] = true
			}
		}
		t.Run(strings.TrimSuffix(file, ".lua"), func(t *testing.T) {
			cmd := exec.Command(lua51, file)
			cmd.Dir = corpusDir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("lua5.1 %s: %v\n%s", file, err, stderr.String())
			}
			got, err := runOurs(t, corpusDir, file)
			if err != nil {
				t.Fatalf("ours: %v\noutput:\n%s", err, got)
			}
			wl := strings.Split(string(want), "\n")
			gl := strings.Split(got, "\n")
			for i := 0; i < len(wl) || i < len(gl); i++ {
				var w, g string
				if i < len(wl) {
					w = wl[i]
				}
				if i < len(gl) {
					g = gl[i]
				}
				wt, gt := tagRe.FindStringSubmatch(w), tagRe.FindStringSubmatch(g)
				if wt != nil {
					used[wt[1]] = true
					if !known[wt[1]] {
						t.Errorf("%s:%d: tag %s is not described in KNOWN_DIFFERENCES.md", file, i+1, wt[1])
					}
				}
				switch {
				case w == g && wt != nil:
					t.Errorf("%s: output line %d, tagged as known difference %s, is now the same as Lua 5.1's: %q; remove the tag (and the entry if it was the last use)", file, i+1, wt[1], w)
				case w == g:
				case wt != nil && gt != nil && wt[1] == gt[1]:
					// a known difference
				default:
					t.Errorf("%s: output line %d differs from Lua 5.1\nlua5.1: %q\nours:   %q", file, i+1, w, g)
				}
			}
		})
	}
	var unused []string
	for id := range known {
		if !used[id] {
			unused = append(unused, id)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 && !t.Failed() {
		t.Errorf("KNOWN_DIFFERENCES.md lists %v, used by no script output", unused)
	}
}
