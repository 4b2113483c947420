package main

import (
	"strings"
	"testing"
)

// The prompt on a terminal edits lines and keeps a history, as lua5.1
// built with readline does. These tests type on a pseudo-terminal.

// Keys as a terminal sends them.
const (
	keyEnter = "\r"
	keyUp    = "\x1b[A"
	keyDown  = "\x1b[B"
	keyLeft  = "\x1b[D"
	keyCtrlC = "\x03"
	keyCtrlD = "\x04"
	keyCtrlR = "\x12"
)

// startREPL starts the runner's prompt on a pseudo-terminal and waits
// for the first prompt.
func startREPL(t *testing.T) *onPTY {
	t.Helper()
	p := startOnPTY(t, nil, nil)
	p.waitFor("\n> ", p.waitFor("Lua 5.1", 0))
	return p
}

// enter types line and Enter, and waits until the terminal shows want, a
// whole line of output, and then the next prompt. With want "" it waits
// for a prompt at the start of a line (a line editor redrawing the
// current line also writes the prompt, but not after a newline).
func (p *onPTY) enter(line, want string) {
	p.t.Helper()
	m := p.mark()
	p.typeKeys(line + keyEnter)
	if want == "" {
		p.waitFor("\n> ", m)
		return
	}
	p.waitFor("> ", p.waitFor(want, m))
}

func TestPromptHistoryUpArrow(t *testing.T) {
	p := startREPL(t)
	p.enter("print(40 + 2)", "42\r\n")
	p.enter("print('other')", "other\r\n")
	// Up twice: the line before the last one, run again.
	m := p.mark()
	p.typeKeys(keyUp + keyUp + keyEnter)
	p.waitFor("42\r\n", m)
	// The history is now 40 + 2, 'other', 40 + 2: three times Up then
	// Down is 'other'.
	m = p.mark()
	p.typeKeys(keyUp + keyUp + keyUp + keyDown + keyEnter)
	p.waitFor("other\r\n", m)
	p.typeKeys(keyCtrlD)
	if code := p.exitCode(); code != 0 {
		t.Errorf("exit status %d after Ctrl-D, want 0; terminal: %q", code, p.output())
	}
	p.assertTerminalRestored()
}

func TestPromptEditsLine(t *testing.T) {
	p := startREPL(t)
	// Typed "prnt(7)", five times Left puts the cursor after "pr".
	p.enter("prnt(7)"+strings.Repeat(keyLeft, 5)+"i", "7\r\n")
	if strings.Contains(p.output(), "attempt to call") {
		t.Errorf("the uncorrected line ran: %q", p.output())
	}
}

func TestPromptReverseSearch(t *testing.T) {
	p := startREPL(t)
	p.enter("x = 6 * 7", "")
	p.enter("y = 1", "")
	p.enter("print('unrelated')", "unrelated\r\n")
	// Ctrl-R, then "6 *" finds "x = 6 * 7"; Enter runs it; = x shows it.
	m := p.mark()
	p.typeKeys(keyCtrlR + "6 *")
	p.waitFor("x = 6 * 7", m)
	p.typeKeys(keyEnter)
	p.enter("x = nil", "")
	p.typeKeys(keyCtrlR + "6 *" + keyEnter)
	p.enter("=x", "42\r\n")
}

// A statement spread over lines: each line is kept and recalled on its
// own.
func TestPromptHistoryContinuation(t *testing.T) {
	p := startREPL(t)
	m := p.mark()
	p.typeKeys("for i = 1, 2 do" + keyEnter)
	p.waitFor(">> ", m)
	p.enter("print('n', i) end", "n\t2\r\n")
	m = p.mark()
	p.typeKeys(keyUp + keyUp + keyEnter)
	p.waitFor(">> ", m)
	p.enter(keyUp+keyUp, "n\t2\r\n")
}

// While a statement runs the terminal is the user's again: what io.read
// reads is echoed, and Ctrl-C is a signal that stops the statement.
func TestPromptStatementRunsOnCookedTerminal(t *testing.T) {
	p := startREPL(t)
	m := p.mark()
	p.typeKeys("s = io.read()" + keyEnter)
	p.waitFor("s = io.read()", m)
	p.enter("typed text", "")
	if !p.seen("typed text\r\n", m) {
		t.Errorf("io.read's input was not echoed: %q", p.output()[m:])
	}
	p.enter("=s", "typed text\r\n")
	p.typeKeys("print('loop') while true do end" + keyEnter)
	p.waitFor("loop", m)
	p.typeKeys(keyCtrlC)
	if code := p.exitCode(); code != exitInterrupted {
		t.Errorf("exit status %d after Ctrl-C in a loop, want %d; terminal: %q", code, exitInterrupted, p.output())
	}
	p.waitFor("luaetcd: interrupted!", m)
	p.assertTerminalRestored()
}

// Ctrl-C at the prompt ends the runner as SIGINT would (lua5.1 with
// readline dies of it), leaving the terminal as it was.
func TestPromptCtrlC(t *testing.T) {
	p := startREPL(t)
	p.typeKeys("print('half typed")
	p.typeKeys(keyCtrlC)
	if code := p.exitCode(); code != exitInterrupted {
		t.Errorf("exit status %d after Ctrl-C at the prompt, want %d; terminal: %q", code, exitInterrupted, p.output())
	}
	p.waitFor("luaetcd: interrupted!", 0)
	p.assertTerminalRestored()
}
