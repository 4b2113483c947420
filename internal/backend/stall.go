package backend

import "time"

// The stall bound: how long a backend waits for an endpoint to begin
// answering a read-only operation before it abandons that endpoint for
// the next one (a frozen or partitioned member accepts connections and
// answers nothing). Both backends derive it the same way, so a host's
// setting means the same whichever API the cluster is spoken through.
const (
	// DefaultStallTimeout is the longest bound a backend picks itself,
	// and the bound of operations without a timeout.
	DefaultStallTimeout = 2 * time.Second
	// MinStallTimeout is the shortest bound a backend picks itself.
	MinStallTimeout = 100 * time.Millisecond
)

// StallBound returns the stall bound of an operation with the given
// timeout (0: none) under the host's setting: the setting itself when
// > 0, never (0) when < 0, else a third of the timeout kept between
// MinStallTimeout and DefaultStallTimeout.
func StallBound(setting, timeout time.Duration) time.Duration {
	switch {
	case setting < 0:
		return 0
	case setting > 0:
		return setting
	case timeout <= 0:
		return DefaultStallTimeout
	}
	return max(MinStallTimeout, min(timeout/3, DefaultStallTimeout))
}
