package luajson

import (
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

const etcdGetBody = `{"action":"get","node":{"key":"/a","value":"\"hi\"","modifiedIndex":4,"createdIndex":4}}`

// readdirBody is a recursive v2 GET of a directory holding 100 keys.
var readdirBody = func() string {
	var b strings.Builder
	b.WriteString(`{"action":"get","node":{"key":"/dir","dir":true,"nodes":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"key":"/dir/key%03d","value":"{\"n\":%d,\"name\":\"value %d\"}","modifiedIndex":%d,"createdIndex":%d}`,
			i, i, i, 1000+i, 1000+i)
	}
	b.WriteString(`],"modifiedIndex":3,"createdIndex":3}}`)
	return b.String()
}()

func BenchmarkEncodeString(b *testing.B) {
	v := lua.LString(`{"name":"a/b","count":42}`)
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendEncode(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkEncodeSmallTable(b *testing.B) {
	L := newState(b)
	v := eval(b, L, `{key = "/a", value = "hi", ttl = 5, dir = false, list = {1, 2, 3}}`)
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendEncode(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkEncodeSmallTableAlloc is the same through Encode, which returns
// a new slice each time.
func BenchmarkEncodeSmallTableAlloc(b *testing.B) {
	L := newState(b)
	v := eval(b, L, `{key = "/a", value = "hi", ttl = 5, dir = false, list = {1, 2, 3}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeEtcdGet(b *testing.B) {
	benchDecode(b, etcdGetBody)
}

func BenchmarkDecodeEtcdReaddir100(b *testing.B) {
	benchDecode(b, readdirBody)
}

func benchDecode(b *testing.B, body string) {
	L := newState(b)
	data := []byte(body)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(L, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeEtcdReaddir100(b *testing.B) {
	L := newState(b)
	v, err := Decode(L, []byte(readdirBody))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 16<<10)
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = AppendEncode(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// The hot paths must not regress into allocating.
func TestEncodeDoesNotAllocate(t *testing.T) {
	L := newState(t)
	buf := make([]byte, 0, 256)
	for _, v := range []lua.LValue{
		lua.LString(`a "quoted" / string`),
		lua.LNumber(1.0 / 3),
		eval(t, L, `{key = "/a", value = "hi", ttl = 5, dir = false, list = {1, 2, 3}, null = null}`),
	} {
		if n := testing.AllocsPerRun(100, func() { buf, _ = AppendEncode(buf[:0], v) }); n != 0 {
			t.Errorf("AppendEncode(%s) allocates %v times", buf, n)
		}
	}
}
