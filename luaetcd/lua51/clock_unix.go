//go:build unix

package lua51

import "syscall"

// processCPU returns the CPU time the process has used, in seconds, as
// C's clock() does for Lua 5.1's os.clock. It counts every thread of the
// process (Go's collector works on threads of its own).
func processCPU() (float64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	sec := func(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }
	return sec(ru.Utime) + sec(ru.Stime), true
}
