//go:build unix

package etcdtest

import (
	"os"
	"syscall"
)

// stopSignal asks etcd to shut down cleanly.
var stopSignal os.Signal = syscall.SIGTERM

// freeze suspends p (SIGSTOP): it keeps its sockets but answers nothing,
// like a member stuck on a dead disk or a long pause.
func freeze(p *os.Process) error { return p.Signal(syscall.SIGSTOP) }

// thaw resumes a frozen p (SIGCONT).
func thaw(p *os.Process) error { return p.Signal(syscall.SIGCONT) }
