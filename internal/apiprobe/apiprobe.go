// Package apiprobe chooses between etcd's v2 and v3 APIs for a set of
// endpoints (the `auto` API setting): v2 where the cluster serves the v2
// keys API, v3 otherwise. It asks once per endpoint set and process.
package apiprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// StallTimeout bounds the probe of one endpoint while others are left to
// ask: a member that accepts connections and answers nothing (frozen,
// partitioned) must not hold Etcd.new for the whole probe, as the
// clients' own silent-member rules keep it from holding their calls.
const StallTimeout = 2 * time.Second

// The APIs a probe chooses between.
const (
	V2 = "v2"
	V3 = "v3"
)

// Choice is a probe's result.
type Choice struct {
	API    string // V2 or V3
	Reason string // why, for --verbose: the endpoint asked and what it answered
}

var cache = struct {
	sync.Mutex
	m map[string]Choice
}{m: map[string]Choice{}}

// Choose returns the API to use for endpoints: it sends GET /v2/keys/ to
// each in turn until one answers over HTTP (at most StallTimeout each,
// but the last). An etcd that serves the v2
// API answers with a v2 keys answer (200 with X-Etcd-Index, or 401 when
// v2 auth refuses the anonymous read): V2. One that does not (3.4 and 3.5
// with --enable-v2=false, every 3.6 and 3.7) answers 404: V3. The choice
// is remembered for the endpoint set (in the given order) for the life of
// the process; a probe that reached no endpoint is not remembered and
// returns an error. client carries the TLS configuration and must not
// send credentials (the answer does not depend on them).
func Choose(ctx context.Context, client *http.Client, endpoints []string) (Choice, error) {
	if len(endpoints) == 0 {
		return Choice{}, errors.New("api probe: no endpoints")
	}
	key := strings.Join(endpoints, ",")
	cache.Lock()
	c, ok := cache.m[key]
	cache.Unlock()
	if ok {
		return c, nil
	}
	var errs []string
	for i, ep := range endpoints {
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if i < len(endpoints)-1 {
			pctx, cancel = context.WithTimeout(ctx, StallTimeout)
		}
		c, err := probe(pctx, client, strings.TrimSuffix(ep, "/"))
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return Choice{}, ctx.Err()
			}
			errs = append(errs, err.Error())
			continue
		}
		cache.Lock()
		cache.m[key] = c
		cache.Unlock()
		return c, nil
	}
	return Choice{}, fmt.Errorf("api probe: no endpoint answered: %s", strings.Join(errs, "; "))
}

func probe(ctx context.Context, client *http.Client, ep string) (Choice, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ep+"/v2/keys/", nil)
	if err != nil {
		return Choice{}, fmt.Errorf("%s: %v", ep, err)
	}
	res, err := client.Do(req)
	if err != nil {
		return Choice{}, fmt.Errorf("%s: %v", ep, err)
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return Choice{API: V3, Reason: fmt.Sprintf("GET %s/v2/keys/ answered 404: the v2 API is off or removed", ep)}, nil
	}
	idx := res.Header.Get("X-Etcd-Index")
	if idx == "" {
		idx = "none"
	}
	return Choice{API: V2, Reason: fmt.Sprintf("GET %s/v2/keys/ answered %d (X-Etcd-Index %s): the v2 API is served", ep, res.StatusCode, idx)}, nil
}

// Forget drops the remembered choices (tests).
func Forget() {
	cache.Lock()
	cache.m = map[string]Choice{}
	cache.Unlock()
}
