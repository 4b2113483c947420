package embedetcd

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill the etcd process when the process
// that started it (the test binary) dies, even by SIGKILL or a crash, so
// that an interrupted test run leaves no etcd listening behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
