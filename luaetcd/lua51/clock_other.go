//go:build !unix

package lua51

// processCPU is not available: os.clock keeps gopher-lua's (wall time
// since the process started).
func processCPU() (float64, bool) { return 0, false }
