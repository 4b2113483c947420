//go:build !unix

package etcdtest

import (
	"errors"
	"fmt"
	"os"
)

// stopSignal: without SIGTERM, stopping is killing.
var stopSignal os.Signal = os.Kill

func freeze(*os.Process) error {
	return fmt.Errorf("freezing a process: %w", errors.ErrUnsupported)
}

func thaw(*os.Process) error {
	return fmt.Errorf("thawing a process: %w", errors.ErrUnsupported)
}
