package v2http

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"

	"github.com/luaetcd/go-luaetcd/internal/backend"
)

// Errors of this package keep the texts scripts have always seen
// ("http://a:2379: connection refused", "...; not resent: the request may
// have reached the server") while wrapping their causes and the sentinels
// of package backend, so callers test them with errors.Is and errors.As
// instead of matching texts.

// answerError is a failure after the server answered (a body that broke
// off or exceeds the limit): the request reached a server and is never
// resent. kind is backend.ErrStreamBroken or backend.ErrBodyTooLarge (nil
// for a request that could not be built).
type answerError struct {
	text string
	kind error
	err  error // the transport's error, if any
}

func (e *answerError) Error() string { return e.text }

func (e *answerError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.kind, e.err} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// streamBroken is the error of an answer whose body broke off.
func streamBroken(err error) *answerError {
	return &answerError{text: "reading response body: " + cause(err), kind: backend.ErrStreamBroken, err: err}
}

// tooLarge is the error of an answer larger than the limit.
func tooLarge(text string) *answerError {
	return &answerError{text: text, kind: backend.ErrBodyTooLarge}
}

// causeError shows a transport error by its short cause (see cause) and
// unwraps to it.
type causeError struct{ err error }

func (e causeError) Error() string { return cause(e.err) }
func (e causeError) Unwrap() error { return e.err }

// kindError is an error of a given text that is also one of package
// backend's sentinels.
type kindError struct {
	err  error
	kind error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

// failedAt is the failure of the only endpoint tried, or of the peer:
// "<endpoint>: <cause>".
func failedAt(ep fmt.Stringer, err error) error {
	return fmt.Errorf("%s: %w", ep, causeError{err})
}

// maybeApplied is the failure of a request that is not idempotent after
// it may have reached the server: it is not resent.
func maybeApplied(ep *endpoint, err error) error {
	return fmt.Errorf("%s: %w; not resent: %w", ep, causeError{err}, backend.ErrMaybeApplied)
}

// cause turns a transport error into a short lower-case text without
// URLs (so without credentials).
func cause(err error) string {
	var ae *answerError
	if errors.As(err, &ae) {
		return ae.text
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server (eof)"
	}
	return err.Error()
}

// neverSent reports whether err surely happened before the request could
// reach a server: the connection was never made, or the URL could not be
// used at all.
func neverSent(err error) bool {
	var ae *answerError
	if errors.As(err, &ae) {
		return false
	}
	var ue *backend.URLError
	if errors.As(err, &ue) {
		return true
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	return errors.As(err, &de)
}
