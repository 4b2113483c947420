package lua51

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The official Lua 5.1 test files, as gopher-lua's module ships them
// (_lua5.1-tests in its module directory), are a standing check of our
// state: every file that Debian's lua5.1 passes must pass here too. An
// assertion that cannot pass (a difference of gopher-lua we cannot fix
// from outside) is switched off by a patch in officialPatches, applied
// in memory to the file read from the module cache; each patch names the
// entry of testdata/lua51/KNOWN_DIFFERENCES.md that explains it. The
// patched file must still pass under lua5.1, so a patch can only skip
// assertions, not change what the others check. TestOfficialPatchesNeeded
// (official_needed_test.go) fails when a patch is no longer needed.

// officialTimeout caps each file, under either interpreter.
const officialTimeout = 30 * time.Second

// officialDir returns the directory of the official test files in the
// module cache.
func officialDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yuin/gopher-lua").Output()
	if err != nil {
		t.Skipf("cannot locate gopher-lua's module directory: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "_lua5.1-tests")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("gopher-lua's module has no _lua5.1-tests: %v", err)
	}
	return dir
}

var kdHeading = regexp.MustCompile(`(?m)^## (KD\d+|OT\d+):`)

func TestOfficialLua51(t *testing.T) {
	ref, err := exec.LookPath("lua5.1")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("lua5.1 is not installed, and CI is set (apt-get install lua5.1)")
		}
		t.Skip("lua5.1 is not installed (apt-get install lua5.1)")
	}
	dir := officialDir(t)
	doc, err := os.ReadFile(filepath.Join(corpusDir, "KNOWN_DIFFERENCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for _, m := range kdHeading.FindAllStringSubmatch(string(doc), -1) {
		described[m[1]] = true
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.lua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s: %v", dir, err)
	}
	for file := range officialPatches {
		if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
			t.Errorf("officialPatches has %s, which the module does not ship", file)
		}
	}
	// The files load and write files next to them (libs/, checktable.lua):
	// they run in a copy of the directory, which the module cache keeps
	// read-only.
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		file := filepath.Base(path)
		t.Run(strings.TrimSuffix(file, ".lua"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if why, ok := officialSkipped[file]; ok {
				t.Skip(why)
			}
			if out, err := runLua51(ref, dir, file); err != nil {
				// The reference fails the unpatched file: nothing to match.
				if _, ok := officialPatches[file]; ok {
					t.Errorf("lua5.1 fails %s, which has patches: drop them\n%s", file, out)
				}
				t.Skipf("lua5.1 fails this file too: %v\n%s", err, lastLines(out, 3))
			}
			patched, err := applyPatches(file, src, officialPatches[file], described)
			if err != nil {
				t.Fatal(err)
			}
			fdir := work
			if err := os.Chmod(filepath.Join(fdir, file), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(fdir, file), patched, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := runLua51(ref, fdir, file); err != nil {
				t.Fatalf("lua5.1 fails the patched %s (a patch must only skip assertions): %v\n%s", file, err, out)
			}
			start := time.Now()
			out, err := runOfficialOurs(fdir, file)
			if err != nil {
				t.Fatalf("ours fails %s after %v: %v\noutput (end):\n%s", file, time.Since(start).Round(time.Millisecond), err, lastLines(out, 10))
			}
			t.Logf("%s passed in %v", file, time.Since(start).Round(time.Millisecond))
		})
	}
}

// runLua51 runs file with lua5.1 in dir, with the time cap.
func runLua51(ref, dir, file string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), officialTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ref, file)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// runOfficialOurs runs file in dir in a state built as our hosts build
// it, with the time cap. It runs in a child process (this test binary,
// TestOfficialChild) because the files use the current directory (they
// write and load files relative to it) and a test cannot change it safely.
func runOfficialOurs(dir, file string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), officialTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestOfficialChild$", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), officialChildEnv+"="+file)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("not done after %v", officialTimeout)
	}
	return string(out), err
}

// officialChildEnv names the file TestOfficialChild runs.
const officialChildEnv = "LUA51_OFFICIAL_FILE"

// TestOfficialChild runs one official test file in the current directory
// when TestOfficialLua51 starts this binary for it; otherwise it does
// nothing.
func TestOfficialChild(t *testing.T) {
	file := os.Getenv(officialChildEnv)
	if file == "" {
		t.Skip("runs only as TestOfficialLua51's child process")
	}
	L := NewState()
	defer L.Close()
	if err := FixError(L.DoFile(file)); err != nil {
		t.Fatal(err)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
