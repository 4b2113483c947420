package fakebackend

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// watch answers the first event at or after op's wait index (the next one
// when it has none) on op's key, or below it when recursive, waiting for
// it until ctx ends the call (its error) or op.Timeout does (408, as the
// v2 backend answers).
func (s *Store) watch(parent context.Context, op *backend.Op) (*backend.Response, error) {
	ctx := parent
	if op.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(parent, op.Timeout)
		defer cancel()
	}
	// TTLs run out only when the store looks (sweep): a waiting watch
	// looks now and then, so that it sees expiries.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	s.mu.Lock()
	s.sweep()
	start := s.index
	since := s.index + 1
	if op.HasWaitIndex {
		since = op.WaitIndex
		if len(s.history) > 0 && since < s.history[0].index && s.index >= historySize {
			e := v2api.NewError(v2api.EcodeEventIndexCleared,
				fmt.Sprintf("the requested history has been cleared [%v/%v]", s.history[0].index, since), s.index)
			res := s.answer(e.Status(), e)
			s.mu.Unlock()
			return res, nil
		}
	}
	for {
		for _, r := range s.history {
			if r.index >= since && matches(r.key, op.Key, op.Recursive) {
				res := &backend.Response{Status: http.StatusOK, Header: v2api.Header(start), Body: v2api.Marshal(r.event)}
				s.mu.Unlock()
				return res, nil
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-tick.C:
		case <-ctx.Done():
			if parent.Err() != nil {
				return nil, parent.Err()
			}
			return &backend.Response{Status: http.StatusRequestTimeout, TimedOut: true}, nil
		}
		s.mu.Lock()
		s.sweep()
	}
}

// matches reports whether an event on key is seen by a watch of watched.
func matches(key, watched string, recursive bool) bool {
	if key == watched {
		return true
	}
	if !recursive {
		return false
	}
	if watched == "/" {
		return true
	}
	return strings.HasPrefix(key, watched+"/")
}
