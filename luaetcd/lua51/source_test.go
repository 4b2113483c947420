package lua51

import (
	"strings"
	"testing"
)

func TestChunkID(t *testing.T) {
	long := strings.Repeat("d/", 40) + "f.lua"
	for _, c := range []struct{ source, want string }{
		{"=stdin", "stdin"},
		{"=" + strings.Repeat("n", 70), strings.Repeat("n", 59)},
		{"@t.lua", "t.lua"},
		{"@" + long, "..." + long[len(long)-52:]},
		{"return 1", `[string "return 1"]`},
		{"local a\nreturn a", `[string "local a..."]`},
		{strings.Repeat("x", 50), `[string "` + strings.Repeat("x", 43) + `..."]`},
		{"", `[string ""]`},
	} {
		if got := ChunkID(c.source); got != c.want {
			t.Errorf("ChunkID(%q) = %q, want %q", c.source, got, c.want)
		}
	}
}

func TestSourceOfNames(t *testing.T) {
	for name, want := range map[string]string{
		"t.lua":          "@t.lua",
		"stdin":          "=stdin",
		"(command line)": "=(command line)",
		"LUA_INIT":       "=LUA_INIT",
	} {
		if got := sourceOfName(name); got != want {
			t.Errorf("sourceOfName(%q) = %q, want %q", name, got, want)
		}
	}
}
