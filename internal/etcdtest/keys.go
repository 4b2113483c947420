package etcdtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Node is one key of a cluster as Keys reads it.
type Node struct {
	Value    string
	Dir      bool
	Modified uint64
}

// Keys reads the whole v2 key space of the etcd at clientURL over plain
// HTTP, without any client under test: key -> node, directories included
// (the root is left out).
func Keys(t testing.TB, clientURL string) map[string]Node {
	t.Helper()
	res, err := http.Get(clientURL + "/v2/keys/?recursive=true")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	type v2node struct {
		Key           string   `json:"key"`
		Value         string   `json:"value"`
		Dir           bool     `json:"dir"`
		ModifiedIndex uint64   `json:"modifiedIndex"`
		Nodes         []v2node `json:"nodes"`
	}
	var body struct {
		Node v2node `json:"node"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	keys := map[string]Node{}
	var walk func(n v2node)
	walk = func(n v2node) {
		if n.Key != "" {
			keys[n.Key] = Node{n.Value, n.Dir, n.ModifiedIndex}
		}
		for _, c := range n.Nodes {
			walk(c)
		}
	}
	walk(body.Node)
	return keys
}

// Outside returns the keys of keys that are neither root nor below it.
func Outside(keys map[string]Node, root string) map[string]Node {
	out := map[string]Node{}
	for k, n := range keys {
		if k != root && !strings.HasPrefix(k, root+"/") {
			out[k] = n
		}
	}
	return out
}

// Put sets key to value over plain HTTP.
func Put(t testing.TB, clientURL, key, value string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, clientURL+"/v2/keys"+key, strings.NewReader(url.Values{"value": {value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("putting %s: %s", key, res.Status)
	}
}
