package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// budgetGrace is how long a script that used up its --budget may take to
// stop before the process exits without it.
const budgetGrace = time.Second

// watchBudget enforces --budget on code that never reaches the next Lua
// instruction: gopher-lua checks the context between instructions, but a
// single call (a pattern match that backtracks, string.rep of gigabytes)
// runs to its end. When ctx's deadline passes and the run has not ended
// budgetGrace later, the process exits with status 1. The call it
// returns says the run has ended.
func (r *runner) watchBudget(ctx context.Context) (ended func()) {
	done := make(chan struct{})
	exit := r.cfg.Exit
	if exit == nil {
		exit = os.Exit
	}
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return // os.exit or an interrupt, not the budget
		}
		t := time.NewTimer(budgetGrace)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			fmt.Fprintf(r.cfg.Stderr, "%s: stopped: the script used up its budget of %v and did not stop within %v (one call ran on); exiting\n",
				progName, r.budget, budgetGrace)
			exit(exitError)
		}
	}()
	return func() { close(done) }
}
