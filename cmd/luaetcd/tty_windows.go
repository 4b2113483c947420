package main

import "os"

// openTerminal opens the process's console for the password prompt:
// CONIN$ to read (read and write access, which setting the console mode
// needs) and CONOUT$ to write, Windows' counterparts of /dev/tty, so the
// password is asked there even when stdin or stdout is redirected.
func openTerminal() (in, out *os.File, err error) {
	in, err = os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	out, err = os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		in.Close()
		return nil, nil, err
	}
	return in, out, nil
}
