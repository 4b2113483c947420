package main

import (
	"context"
	"errors"
	"io"
	"os"

	"golang.org/x/term"
)

// readPassword asks for a password on the terminal with echo off. Tests
// replace it.
var readPassword = readPasswordTerminal

// readPasswordTerminal writes prompt to the terminal (/dev/tty, or the
// Windows console: see openTerminal) and reads one line from it with echo
// turned off, through golang.org/x/term. The terminal is restored
// afterwards, also when ctx is cancelled by Ctrl-C while waiting.
func readPasswordTerminal(ctx context.Context, prompt string) (string, error) {
	in, out, err := openTerminal()
	if err != nil {
		return "", err
	}
	fd := int(in.Fd())
	saved, err := term.GetState(fd)
	if err != nil {
		closeTerminal(in, out)
		return "", err
	}
	if _, err := io.WriteString(out, prompt); err != nil {
		closeTerminal(in, out)
		return "", err
	}
	type line struct {
		b   []byte
		err error
	}
	done := make(chan line, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- line{b, err}
	}()
	select {
	case l := <-done:
		// The Enter that ended the line was not echoed either.
		io.WriteString(out, "\n")
		closeTerminal(in, out)
		if errors.Is(l.err, io.EOF) && len(l.b) == 0 {
			return "", errors.New("no password given")
		}
		if l.err != nil {
			return "", l.err
		}
		return string(l.b), nil
	case <-ctx.Done():
		term.Restore(fd, saved)
		io.WriteString(out, "\n")
		// The terminal stays open: the read still blocked on it must not
		// find its descriptor closed or reused. The run is ending anyway.
		return "", errors.New("interrupted")
	}
}

// closeTerminal closes what openTerminal opened.
func closeTerminal(in, out *os.File) {
	in.Close()
	if out != in {
		out.Close()
	}
}
