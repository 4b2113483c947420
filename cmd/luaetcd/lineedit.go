package main

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/peterh/liner"
)

// lineReader is where the interactive prompt gets its lines.
type lineReader interface {
	// readLine shows prompt and returns the next line without its end.
	// err is io.EOF at the end of input, errPromptInterrupted when the
	// user pressed Ctrl-C at the prompt.
	readLine(prompt string) (string, error)
	// addHistory keeps a line the user entered for recall.
	addHistory(line string)
	// close gives the terminal back as it was found.
	close()
}

// errPromptInterrupted is Ctrl-C typed at the prompt. The line editor
// reads it as a key, so no SIGINT arrives; the runner treats it as one
// (lua5.1 with readline dies of that SIGINT).
var errPromptInterrupted = errors.New("interrupted at the prompt")

// plainLines reads the prompt's lines from a reader with no editing, as
// lua5.1 built without readline does: for piped stdin, and whenever
// stdin or stdout is not a terminal.
type plainLines struct {
	out io.Writer
	in  *bufio.Reader
}

func (p plainLines) readLine(prompt string) (string, error) {
	io.WriteString(p.out, prompt)
	s, err := p.in.ReadString('\n')
	if err != nil && s == "" {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r"), nil
}

func (plainLines) addHistory(string) {}
func (plainLines) close()            {}

// editedLines reads the prompt's lines through liner, which edits the
// line (arrows, Home/End, Ctrl-A/E/K/U/W, ...) and recalls history (Up
// and Down, Ctrl-R to search backwards) on Linux, macOS and Windows
// consoles alike. It works on the process's own stdin and stdout.
//
// liner keeps the terminal in its raw mode from NewLiner to Close. The
// statements typed at the prompt must run on the terminal as the user
// had it (echo on, lines cooked, Ctrl-C a signal), or io.read would read
// blind and Ctrl-C could not stop a script: so the terminal is switched
// to liner's mode only while a line is being read.
type editedLines struct {
	st      *liner.State
	cooked  liner.ModeApplier // the terminal as found: while statements run
	editing liner.ModeApplier // liner's mode: while a line is read
	// plain reads the lines once liner found it cannot draw on the
	// output (a console that reports no width).
	plain   plainLines
	givenUp bool
}

// newEditedLines takes over the terminal on stdin and stdout; close
// gives it back. plain reads the same stdin and stdout, for when liner
// cannot.
func newEditedLines(plain plainLines) *editedLines {
	cooked, _ := liner.TerminalMode()
	st := liner.NewLiner()
	st.SetCtrlCAborts(true)
	editing, _ := liner.TerminalMode()
	e := &editedLines{st: st, cooked: cooked, editing: editing, plain: plain}
	apply(e.cooked)
	return e
}

func (e *editedLines) readLine(prompt string) (string, error) {
	if e.givenUp {
		return e.plain.readLine(prompt)
	}
	apply(e.editing)
	line, err := e.st.Prompt(prompt)
	apply(e.cooked)
	switch {
	case errors.Is(err, liner.ErrPromptAborted):
		return "", errPromptInterrupted
	case errors.Is(err, liner.ErrNotTerminalOutput):
		e.givenUp = true
		return e.plain.readLine(prompt)
	}
	return line, err
}

func (e *editedLines) addHistory(line string) { e.st.AppendHistory(line) }

func (e *editedLines) close() { e.st.Close() }

// apply sets a terminal mode; a mode that could not be read (nil) is
// left alone.
func apply(m liner.ModeApplier) {
	if m != nil {
		m.ApplyMode()
	}
}
