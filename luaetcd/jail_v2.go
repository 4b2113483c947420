package luaetcd

import (
	"context"

	ibackend "github.com/luaetcd/go-luaetcd/internal/backend"
	"github.com/luaetcd/go-luaetcd/internal/jail"
	"github.com/luaetcd/go-luaetcd/luaetcd/backend"
)

// jailRequests applies internal/jail to a backend of this package's
// request type, until the Lua layer sends internal/backend operations and
// the jail wraps the backend directly: keys are mapped with jail.Join,
// answers rewritten with jail.Answer, and every endpoint but the key
// space and version is refused.
func jailRequests(be backend.Backend, root string) backend.Backend {
	return &requestJail{be: be, root: jail.CleanRoot(root)}
}

type requestJail struct {
	be   backend.Backend
	root string
}

func (j *requestJail) Do(ctx context.Context, req *backend.Request) (*backend.Response, error) {
	switch req.Endpoint {
	case backend.Version:
		return j.be.Do(ctx, req)
	case backend.Keys:
	default:
		return nil, jail.ErrRefused
	}
	key, err := jail.Join(j.root, req.Key)
	if err != nil {
		return nil, err
	}
	if key == j.root && req.Method != "GET" && req.Method != "POST" {
		return (*backend.Response)(jail.ReadOnlyRoot()), nil
	}
	inner := *req
	inner.Key = key
	res, err := j.be.Do(ctx, &inner)
	if err != nil {
		return nil, err
	}
	out, err := jail.Answer(j.root, (*ibackend.Response)(res))
	return (*backend.Response)(out), err
}

func (j *requestJail) InitFailover(ctx context.Context) error { return j.be.InitFailover(ctx) }
