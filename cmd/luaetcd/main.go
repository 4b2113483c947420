package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals stop a running script with exitInterrupted. os.Interrupt
// is SIGINT (Ctrl-C) on Unix, and Ctrl-C or Ctrl-Break in a Windows
// console. SIGTERM is kill's default on Unix; on Windows, Go delivers it
// when the console window is closed or the user logs off or the system
// shuts down.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	go func() {
		// After the first signal the script is being stopped; give the
		// signals back to the default handling so a second Ctrl-C kills a
		// script stuck somewhere that does not watch its context.
		<-ctx.Done()
		stop()
	}()
	code := run(config{
		Args:            os.Args,
		Env:             os.LookupEnv,
		Stdin:           os.Stdin,
		Stdout:          os.Stdout,
		Stderr:          os.Stderr,
		StdinIsTerminal: isTerminal(os.Stdin),
		LineEditing:     isTerminal(os.Stdin) && isTerminal(os.Stdout),
		Context:         ctx,
	})
	stop()
	os.Exit(code)
}
