package lua51

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOfficialPatchesNeeded finds patches that are no longer needed (a
// fix here or in gopher-lua made their assertions pass): for each file it
// runs ours with all patches but one, for each patch. It is slow (each
// file runs once per patch) and runs only with LUA51_CHECK_PATCHES=1:
//
//	LUA51_CHECK_PATCHES=1 go test -run TestOfficialPatchesNeeded ./luaetcd/lua51
func TestOfficialPatchesNeeded(t *testing.T) {
	if os.Getenv("LUA51_CHECK_PATCHES") != "1" {
		t.Skip("set LUA51_CHECK_PATCHES=1 to check that every patch of the official tests is still needed")
	}
	if _, err := exec.LookPath("lua5.1"); err != nil {
		t.Skip("lua5.1 is not installed")
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
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	for file, groups := range officialPatches {
		src, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(work, file)
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
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
	}
}
