package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
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
		Context:         ctx,
	})
	stop()
	os.Exit(code)
}
