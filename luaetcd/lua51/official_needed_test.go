package lua51

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// officialCheckOptIn lists the patched files whose patches
// TestOfficialPatchesNeeded checks only when LUA51_CHECK_PATCHES=1: each
// run of them takes seconds, and their patches are about gopher-lua's
// parser and VM, which no change of ours touches. On a loaded 2-core
// machine, errors.lua's 10 patches take 18 to 30 s (its stack overflow
// tests come first, 3 to 4 s of every run) and nextvar.lua's one 6 to 15 s
// (it fails near the end). The patches of db.lua (51, the ones the debug
// library's work makes stale) and gc.lua (4) are checked in every run:
// about 5 s of CPU, 3.5 to 13 s of wall time.
var officialCheckOptIn = map[string]bool{
	"errors.lua":  true,
	"nextvar.lua": true,
}

// TestOfficialPatchesNeeded finds patches that are no longer needed (a
// fix here or in gopher-lua made their assertions pass), so that they
// cannot pile up: for each patched file it runs ours with all patches but
// one, for each patch, and fails if that run passes. It runs the files of
// officialCheckOptIn only with LUA51_CHECK_PATCHES=1:
//
//	LUA51_CHECK_PATCHES=1 go test -run TestOfficialPatchesNeeded ./luaetcd/lua51
//
// A patch is checked on its own, so two patches that are only needed
// together (a statement and the assertion on its result) both stay.
func TestOfficialPatchesNeeded(t *testing.T) {
	all := os.Getenv("LUA51_CHECK_PATCHES") == "1"
	dir := officialDir(t)
	doc, err := os.ReadFile(filepath.Join(corpusDir, "KNOWN_DIFFERENCES.md"))
	if err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for _, m := range kdHeading.FindAllStringSubmatch(string(doc), -1) {
		described[m[1]] = true
	}
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	var files []string
	for file := range officialPatches {
		files = append(files, file)
	}
	sort.Strings(files)
	for _, file := range files {
		groups := officialPatches[file]
		t.Run(strings.TrimSuffix(file, ".lua"), func(t *testing.T) {
			if officialCheckOptIn[file] && !all {
				t.Skipf("slow: set LUA51_CHECK_PATCHES=1 to check the %d patches of %s", len(groups), file)
			}
			src, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(work, file)
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			for i, g := range groups {
				rest := append(append([][]officialPatch{}, groups[:i]...), groups[i+1:]...)
				patched, err := applyPatches(file, src, rest, described)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, patched, 0o644); err != nil {
					t.Fatal(err)
				}
				if _, err := runOfficialOurs(work, file); err == nil {
					t.Errorf("%s:%d: the patch (%s) is no longer needed: %s", file, g[0].Line, g[0].KD, strings.TrimSpace(g[0].Old))
				}
			}
			t.Logf("%s: %d patches checked in %v", file, len(groups), time.Since(start).Round(time.Millisecond))
		})
	}
}
