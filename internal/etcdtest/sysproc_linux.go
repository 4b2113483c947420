//go:build linux

package etcdtest

import "syscall"

// procAttr makes the kernel kill an etcd process when the test binary that
// started it dies, even by SIGKILL or a test timeout, so no member outlives
// its test.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
