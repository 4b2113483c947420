package backend

import (
	"testing"
	"time"
)

func TestStallBound(t *testing.T) {
	for _, c := range []struct{ setting, timeout, want time.Duration }{
		{0, 60 * time.Second, 2 * time.Second},
		{0, 3 * time.Second, time.Second},
		{0, 0, 2 * time.Second},
		{0, 150 * time.Millisecond, 100 * time.Millisecond},
		{500 * time.Millisecond, 60 * time.Second, 500 * time.Millisecond},
		{-1, 60 * time.Second, 0},
	} {
		if got := StallBound(c.setting, c.timeout); got != c.want {
			t.Errorf("StallBound(%v, %v) = %v, want %v", c.setting, c.timeout, got, c.want)
		}
	}
}
