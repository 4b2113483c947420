package lua51

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// cError is a file error worded as C's strerror does it, as Lua 5.1
// reports them: "name: No such file or directory" (Go's errno texts are
// C's with a lower-case first letter).
type cError struct {
	name  string
	errno syscall.Errno
	msg   string
}

func (e *cError) Error() string { return e.name + ": " + e.msg }

func newCError(name string, err error) *cError {
	var pe *fs.PathError
	var errno syscall.Errno
	msg := err.Error()
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	if errors.As(err, &errno) {
		msg = errno.Error()
	}
	if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
		msg = string(msg[0]-'a'+'A') + msg[1:]
	}
	return &cError{name: name, errno: errno, msg: msg}
}

// openForRead opens a file as fopen(name, "r") would, with a C-worded error.
func openForRead(name string) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, newCError(name, err)
	}
	return f, nil
}
