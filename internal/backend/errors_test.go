package backend

import "testing"

// A URLError tells Go hosts what is wrong with which URL, and keeps the
// word scripts see apart.
func TestURLError(t *testing.T) {
	e := &URLError{What: "peer", URL: "ftp://p:1", Detail: "scheme must be http or https", Word: `unsupported protocol: "ftp"`}
	if got := e.Error(); got != `invalid peer url "ftp://p:1": scheme must be http or https` {
		t.Errorf("Error() = %q", got)
	}
}
