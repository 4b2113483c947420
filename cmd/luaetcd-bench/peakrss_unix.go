//go:build !windows

package main

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS is the most memory an ended process held resident, in bytes
// (0 when unknown). getrusage reports it in KiB on Linux, in bytes on
// macOS.
func peakRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}
