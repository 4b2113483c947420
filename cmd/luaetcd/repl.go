package main

import (
	"errors"
	"io"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// repl is lua5.1's interactive mode: read a statement (asking for more
// lines with the second prompt while it is incomplete), run it, print
// what it returns; "=expr" prints expr. Errors are printed without the
// program name and do not stop the loop. It ends at end of input.
func (r *runner) repl() int {
	L := r.L
	plain := plainLines{out: r.cfg.Stdout, in: r.stdin}
	r.lines = plain
	if r.cfg.LineEditing {
		r.lines = newEditedLines(plain)
	}
	defer r.lines.close()
	for {
		line, ok := r.readLine(r.prompt("_PROMPT", "> "))
		if !ok {
			break
		}
		if strings.HasPrefix(line, "=") {
			line = "return " + line[1:]
		}
		var fn *lua.LFunction
		var err error
		for {
			fn, err = r.load(line, "stdin")
			if err == nil || !incomplete(err) {
				break
			}
			more, ok := r.readLine(r.prompt("_PROMPT2", ">> "))
			if !ok {
				return r.endRepl()
			}
			line += "\n" + more
		}
		base := L.GetTop()
		if err == nil {
			L.Push(fn)
			err = r.call(0, lua.MultRet)
		}
		if code, done := r.report(err, ""); done && (r.exiting || r.parent.Err() != nil) {
			return code
		}
		if err == nil && L.GetTop() > base {
			results := make([]lua.LValue, 0, L.GetTop()-base)
			for i := base + 1; i <= L.GetTop(); i++ {
				results = append(results, L.Get(i))
			}
			L.SetTop(base)
			L.Push(L.GetGlobal("print"))
			for _, v := range results {
				L.Push(v)
			}
			if err := r.call(len(results), 0); err != nil {
				if code, done := r.report(err, ""); done && (r.exiting || r.parent.Err() != nil) {
					return code
				}
			}
		}
		L.SetTop(base)
	}
	return r.endRepl()
}

func (r *runner) endRepl() int {
	io.WriteString(r.cfg.Stdout, "\n")
	return r.finalStatus(exitOK)
}

// prompt is the global name's value when it is a string (as lua5.1 reads
// _PROMPT and _PROMPT2), else def.
func (r *runner) prompt(name, def string) string {
	if v, ok := r.L.GetGlobal(name).(lua.LString); ok {
		return string(v)
	}
	if v, ok := r.L.GetGlobal(name).(lua.LNumber); ok {
		return v.String()
	}
	return def
}

// readLine reads one line at the prompt and keeps it in the history when
// it is not empty (as lua5.1 does with readline). ok is false at end of
// input, or when the run was interrupted while waiting; Ctrl-C typed at
// an editing prompt interrupts the run as SIGINT would.
func (r *runner) readLine(prompt string) (string, bool) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := r.lines.readLine(prompt)
		ch <- result{s, err}
	}()
	select {
	case res := <-ch:
		if errors.Is(res.err, errPromptInterrupted) {
			r.interrupt()
		}
		if res.err != nil {
			return "", false
		}
		if res.line != "" {
			r.lines.addHistory(res.line)
		}
		return res.line, true
	case <-r.parent.Done():
		return "", false
	}
}

// incomplete tells a syntax error at the end of the input (gopher-lua's
// "<eof>" errors), which more lines may complete. An unfinished
// short string is not one, as in lua5.1.
func incomplete(err error) bool {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		var ae *lua.ApiError
		if !errors.As(err, &ae) || !errors.As(ae.Cause, &pe) {
			return false
		}
	}
	return pe.Pos.Line == parse.EOF && pe.Message != "unterminated string"
}
