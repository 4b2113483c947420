//go:build !linux

package embedetcd

import "os/exec"

// dieWithParent does nothing outside Linux: macOS, the BSDs and Windows
// have no parent-death signal. Close stops the process as usual; but when
// the test binary itself is killed (SIGKILL, a crash, a test timeout that
// panics past the deferred Close), the etcd process keeps running on its
// loopback ports and its temporary data directory stays, until it is
// stopped by hand. Only the tests start such processes (the runner's
// --embed runs etcd inside its own process, which cannot outlive it).
func dieWithParent(cmd *exec.Cmd) {}
