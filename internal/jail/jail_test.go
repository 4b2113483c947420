package jail

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/v2api"
)

// fakeBackend records the operations it gets and answers with a canned
// body. The real-etcd behaviour of the jail is tested through the Lua
// layer (luaetcd's sandbox corpus); this fake exists to feed the jail
// answers a correct server never gives (keys outside the jail) and to see
// exactly which operation reached the backend.
type fakeBackend struct {
	ops    []backend.Op
	status int
	body   string
}

func (f *fakeBackend) Do(_ context.Context, op *backend.Op) (*backend.Response, error) {
	f.ops = append(f.ops, *op)
	h := v2api.Header(7)
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	st := f.status
	if st == 0 {
		st = http.StatusOK
	}
	return &backend.Response{Status: st, Header: h, Body: []byte(f.body)}, nil
}

func (f *fakeBackend) InitFailover(context.Context) error { return nil }

func TestKeysGoBelowTheRoot(t *testing.T) {
	f := &fakeBackend{body: `{"action":"get","node":{"key":"/tenant/a/x","value":"1"}}`}
	be := Wrap(f, "tenant/a/")
	for _, key := range []string{"/x", "../x", "/../../x", "//x/", "/y/../x"} {
		if _, err := be.Do(context.Background(), &backend.Op{Kind: backend.Get, Key: key}); err != nil {
			t.Fatalf("get %q: %v", key, err)
		}
		if got := f.ops[len(f.ops)-1].Key; got != "/tenant/a/x" {
			t.Errorf("get %q reached the backend as %q", key, got)
		}
	}
	// Every other field is passed on untouched.
	op := backend.Op{Kind: backend.CompareAndSwap, Key: "/k", Value: "v", HasValue: true, TTL: 5, PrevIndex: 3, HasPrevIndex: true}
	if _, err := be.Do(context.Background(), &op); err != nil {
		t.Fatal(err)
	}
	want := op
	want.Key = "/tenant/a/k"
	if got := f.ops[len(f.ops)-1]; got.Key != want.Key || got.Value != want.Value || got.TTL != 5 || got.PrevIndex != 3 {
		t.Errorf("op reached the backend as %+v, want %+v", got, want)
	}
	if op.Key != "/k" {
		t.Errorf("the caller's op was changed: %q", op.Key)
	}
}

func TestClusterOperationsAreRefused(t *testing.T) {
	f := &fakeBackend{body: `{}`}
	be := Wrap(f, "/tenant/a")
	for _, k := range []backend.Kind{
		backend.StatsLeader, backend.StatsSelf, backend.StatsStore, backend.AdminConfig,
		backend.SetAdminConfig, backend.Machines, backend.RemoveMachine, backend.Kind(200),
	} {
		res, err := be.Do(context.Background(), &backend.Op{Kind: k, Name: "m1"})
		if !errors.Is(err, ErrRefused) || res != nil {
			t.Errorf("%s: res %v, err %v; want ErrRefused", k, res, err)
		}
	}
	if len(f.ops) != 0 {
		t.Errorf("refused operations reached the backend: %+v", f.ops)
	}
	if _, err := be.Do(context.Background(), &backend.Op{Kind: backend.Version}); err != nil || len(f.ops) != 1 {
		t.Errorf("version: %v, %d ops", err, len(f.ops))
	}
}

func TestRootIsReadOnly(t *testing.T) {
	f := &fakeBackend{body: `{"action":"get","node":{"key":"/tenant/a","dir":true}}`}
	be := Wrap(f, "/tenant/a")
	for _, k := range []backend.Kind{
		backend.Set, backend.Create, backend.Update, backend.CompareAndSwap,
		backend.Delete, backend.CompareAndDelete, backend.SetTTL,
	} {
		for _, key := range []string{"/", "", "..", "/a/../.."} {
			res, err := be.Do(context.Background(), &backend.Op{Kind: k, Key: key, Dir: true, Recursive: true})
			if err != nil {
				t.Fatal(err)
			}
			var e v2api.Error
			if json.Unmarshal(res.Body, &e) != nil || e.ErrorCode != v2api.EcodeRootROnly || e.Cause != "/" || res.Status != e.Status() {
				t.Errorf("%s %q: %d %s", k, key, res.Status, res.Body)
			}
		}
	}
	if len(f.ops) != 0 {
		t.Errorf("writes of the root reached the backend: %+v", f.ops)
	}
	for _, k := range []backend.Kind{backend.Get, backend.Watch, backend.CreateInOrder} {
		if _, err := be.Do(context.Background(), &backend.Op{Kind: k, Key: "/"}); err != nil {
			t.Errorf("%s /: %v", k, err)
		}
	}
	if len(f.ops) != 3 {
		t.Errorf("reads of the root: %d reached the backend, want 3", len(f.ops))
	}
}

func TestNULIsRefused(t *testing.T) {
	f := &fakeBackend{}
	_, err := Wrap(f, "/t").Do(context.Background(), &backend.Op{Kind: backend.Set, Key: "/a\x00/../../b"})
	if !errors.Is(err, ErrNUL) || len(f.ops) != 0 {
		t.Errorf("err %v, %d ops", err, len(f.ops))
	}
}

func TestAnswersAreShownInsideTheJail(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
		status           int
	}{
		{"listing", `{"action":"get","node":{"key":"/tenant/a","dir":true,"nodes":[` +
			`{"key":"/tenant/a/x","value":"1","modifiedIndex":5,"createdIndex":5},` +
			`{"key":"/tenant/a/d","dir":true,"nodes":[{"key":"/tenant/a/d/y","value":"2"}]}],"modifiedIndex":4,"createdIndex":4}}`,
			`{"action":"get","node":{"dir":true,"nodes":[` +
				`{"key":"/x","value":"1","modifiedIndex":5,"createdIndex":5},` +
				`{"key":"/d","dir":true,"nodes":[{"key":"/d/y","value":"2"}]}],"modifiedIndex":4,"createdIndex":4}}`, 200},
		{"prevNode", `{"action":"set","node":{"key":"/tenant/a/x","value":"2"},"prevNode":{"key":"/tenant/a/x","value":"1"}}`,
			`{"action":"set","node":{"key":"/x","value":"2"},"prevNode":{"key":"/x","value":"1"}}`, 200},
		// A recursive delete of /tenant shows in a watch inside the jail
		// as the deletion of the root.
		{"ancestor deleted", `{"action":"delete","node":{"key":"/tenant","dir":true,"nodes":[{"key":"/tenant/b","dir":true}]},"prevNode":{"key":"/tenant","dir":true}}`,
			`{"action":"delete","node":{"dir":true},"prevNode":{"dir":true}}`, 200},
		{"key cause", `{"errorCode":100,"message":"Key not found","cause":"/tenant/a/x","index":9}`,
			`{"errorCode":100,"message":"Key not found","cause":"/x","index":9}`, 404},
		{"ancestor cause", `{"errorCode":100,"message":"Key not found","cause":"/tenant","index":9}`,
			`{"errorCode":100,"message":"Key not found","cause":"/","index":9}`, 404},
		{"foreign cause", `{"errorCode":102,"message":"Not a file","cause":"/other","index":9}`,
			`{"errorCode":102,"message":"Not a file","index":9}`, 403},
		{"compare cause", `{"errorCode":101,"message":"Compare failed","cause":"[1 != 2]","index":9}`,
			`{"errorCode":101,"message":"Compare failed","cause":"[1 != 2]","index":9}`, 412},
		{"not json", "404 page not found\n", "404 page not found\n", 404},
	} {
		f := &fakeBackend{status: c.status, body: c.body}
		res, err := Wrap(f, "/tenant/a").Do(context.Background(), &backend.Op{Kind: backend.Get, Key: "/x"})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := c.want
		if want[0] == '{' {
			want += "\n"
		}
		if string(res.Body) != want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, res.Body, want)
		}
		if res.Status != c.status || res.Header.Get("Content-Length") != strconv.Itoa(len(res.Body)) {
			t.Errorf("%s: status %d, Content-Length %s for %d bytes", c.name, res.Status, res.Header.Get("Content-Length"), len(res.Body))
		}
	}
}

func TestForeignKeyInAnswerIsWithheld(t *testing.T) {
	for _, body := range []string{
		`{"action":"get","node":{"key":"/tenant/ab","value":"secret"}}`,
		`{"action":"get","node":{"key":"/tenant/a/x"},"prevNode":{"key":"/etc/passwd","value":"secret"}}`,
		`{"action":"get","node":{"key":"/tenant/a/../b","value":"secret"}}`,
	} {
		res, err := Wrap(&fakeBackend{body: body}, "/tenant/a").Do(context.Background(), &backend.Op{Kind: backend.Get, Key: "/x"})
		if !errors.Is(err, ErrLeak) || res != nil {
			t.Errorf("%s: res %v, err %v; want ErrLeak", body, res, err)
		}
	}
	// Children outside the jail below an ancestor are dropped.
	res, err := Wrap(&fakeBackend{body: `{"action":"delete","node":{"key":"/tenant","dir":true,"nodes":[{"key":"/tenant/b","value":"secret"},{"key":"/tenant/a/x","value":"1"}]}}`}, "/tenant/a").
		Do(context.Background(), &backend.Op{Kind: backend.Watch, Key: "/", Recursive: true})
	if err != nil || string(res.Body) != `{"action":"delete","node":{"dir":true,"nodes":[{"key":"/x","value":"1"}]}}`+"\n" {
		t.Errorf("got %s, %v", res.Body, err)
	}
}
