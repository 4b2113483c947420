package main

import (
	"os"

	"golang.org/x/term"
)

// isTerminal reports whether f is a terminal (a Windows console), as
// isatty(3) does: a character device such as /dev/null or NUL is not one.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
