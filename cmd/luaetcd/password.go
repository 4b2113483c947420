package main

import (
	"context"
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// readPassword asks for a password on the controlling terminal with echo
// off. Tests replace it.
var readPassword = readPasswordTTY

// readPasswordTTY writes prompt to /dev/tty and reads one line from it
// with echo turned off, restoring the terminal afterwards (also when ctx
// is cancelled by Ctrl-C while waiting).
func readPasswordTTY(ctx context.Context, prompt string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer tty.Close()
	fd := int(tty.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return "", err
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		return "", err
	}
	restore := func() {
		unix.IoctlSetTermios(fd, unix.TCSETS, old)
		tty.WriteString("\n")
	}
	if _, err := tty.WriteString(prompt); err != nil {
		restore()
		return "", err
	}
	type line struct {
		s   string
		err error
	}
	done := make(chan line, 1)
	go func() {
		var b []byte
		buf := make([]byte, 1)
		for {
			n, err := tty.Read(buf)
			if n == 1 {
				if buf[0] == '\n' {
					break
				}
				b = append(b, buf[0])
				continue
			}
			if err != nil {
				if len(b) == 0 {
					done <- line{"", errors.New("no password given")}
					return
				}
				break
			}
		}
		if len(b) > 0 && b[len(b)-1] == '\r' {
			b = b[:len(b)-1]
		}
		done <- line{string(b), nil}
	}()
	select {
	case l := <-done:
		restore()
		return l.s, l.err
	case <-ctx.Done():
		restore()
		return "", errors.New("interrupted")
	}
}
