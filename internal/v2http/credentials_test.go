package v2http

import "testing"

// user:pass@ in the host URL alone is the cluster's credentials: endpoints
// given or found later carry them too; URLs with their own keep theirs.
func TestHostCredentialsApplyToOtherEndpoints(t *testing.T) {
	c, err := New(Config{
		Host:      "http://ops:pw@127.0.0.1:1",
		Endpoints: []string{"http://127.0.0.1:2", "http://other:x@127.0.0.1:3"},
		Peer:      "http://127.0.0.1:4",
	})
	if err != nil {
		t.Fatal(err)
	}
	member := c.parseEndpoint("member", "http://127.0.0.1:5")
	if member.bad != nil {
		t.Fatal(member.bad)
	}
	for _, tc := range []struct {
		ep         *endpoint
		user, pass string
	}{
		{c.eps[0], "ops", "pw"}, {c.eps[1], "ops", "pw"}, {c.eps[2], "other", "x"},
		{c.peer, "ops", "pw"}, {member, "ops", "pw"},
	} {
		if !tc.ep.auth || tc.ep.user != tc.user || tc.ep.pass != tc.pass {
			t.Errorf("%s: auth %v user %q pass %q, want %q %q", tc.ep, tc.ep.auth, tc.ep.user, tc.ep.pass, tc.user, tc.pass)
		}
	}
	// Without any credentials nothing is sent.
	c, _ = New(Config{Host: "http://127.0.0.1:1"})
	if c.eps[0].auth {
		t.Error("auth without credentials")
	}
}
