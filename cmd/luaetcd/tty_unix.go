//go:build !windows

package main

import "os"

// openTerminal opens the controlling terminal, /dev/tty, for the password
// prompt: the password is asked there even when stdin or stdout is
// redirected, as ssh and sudo do.
func openTerminal() (in, out *os.File, err error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	return f, f, nil
}
