package luajson

import (
	"errors"
	"strconv"
	"sync"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// Decode parses JSON text into Lua values created in L, like cjson.decode.
//
// Any JSON value may stand at the top level. Objects become new tables with
// string keys (a repeated key keeps its last value); arrays become tables
// with indices 1..n; null becomes Null, also inside arrays, so later elements
// keep their index. An object key stays a string even when it looks like a
// number ({"1":true} gives t["1"], not t[1]), as in cjson. Numbers become
// lua.LNumber (a number too large for a float64 becomes ±Inf, as C's strtod
// gives). Only JSON's number syntax is accepted: the extras cjson passes to
// strtod (+1, 012, 1., 0x1F, inf, nan) are "invalid number" or "invalid
// token" errors, since etcd never sends them and NaN could not be encoded
// back. Strings may hold any bytes; the
// escapes \" \\ \/ \b \f \n \r \t and \uXXXX are decoded, \uXXXX into UTF-8,
// with a surrogate pair giving one 4-byte character; a lone surrogate is an
// error.
//
// Errors read like cjson's, with 1-based byte positions:
//
//	Expected value but found invalid token at character 1
//	Expected the end but found T_STRING at character 5
//	Expected comma or object end but found T_END at character 12
//	Found too many nested data structures (1001) at character 1001
//
// As in cjson, a NUL byte where a token should start ends the text, and
// input whose first or second byte is NUL is rejected as UTF-16/UTF-32.
// Decode never panics, whatever the input.
func Decode(L *lua.LState, data []byte) (lua.LValue, error) {
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		return lua.LNil, errUTF16
	}
	d := decoderPool.Get().(*decoder)
	d.L, d.data, d.pos, d.depth = L, data, 0, 0
	v, err := d.top()
	d.release()
	if err != nil {
		return lua.LNil, err
	}
	return v, nil
}

var errUTF16 = errors.New("JSON parser does not support UTF-16 or UTF-32")

type tokenType uint8

// The token types, in cjson's order, named as cjson's error messages name them.
const (
	tObjBegin tokenType = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tError
)

var tokenNames = [...]string{
	tObjBegin: "T_OBJ_BEGIN",
	tObjEnd:   "T_OBJ_END",
	tArrBegin: "T_ARR_BEGIN",
	tArrEnd:   "T_ARR_END",
	tString:   "T_STRING",
	tNumber:   "T_NUMBER",
	tBoolean:  "T_BOOLEAN",
	tNull:     "T_NULL",
	tColon:    "T_COLON",
	tComma:    "T_COMMA",
	tEnd:      "T_END",
	tError:    "T_ERROR",
}

type token struct {
	typ   tokenType
	index int     // 0-based byte offset of the token (or of the error)
	str   []byte  // tString: the decoded bytes (valid until the next token)
	num   float64 // tNumber
	b     bool    // tBoolean
	msg   string  // tError: what was wrong, e.g. "invalid token"
}

type decoder struct {
	L     *lua.LState
	data  []byte
	pos   int
	depth int
	tok   token
	vals  []lua.LValue // values of the containers being parsed
	keys  []string     // keys of the objects being parsed
	buf   []byte       // scratch for strings with escapes
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

func (d *decoder) release() {
	// Containers clear their part of the stacks when they close, so only
	// what an error left behind can still hold references.
	clear(d.vals)
	clear(d.keys)
	d.vals, d.keys = d.vals[:0], d.keys[:0]
	if cap(d.buf) > 64<<10 {
		d.buf = nil
	}
	if cap(d.vals) > 4096 {
		d.vals = nil
	}
	if cap(d.keys) > 4096 {
		d.keys = nil
	}
	d.L, d.data, d.tok = nil, nil, token{}
	decoderPool.Put(d)
}

func (d *decoder) top() (lua.LValue, error) {
	d.next()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.next()
	if d.tok.typ != tEnd {
		return nil, d.expected("the end")
	}
	return v, nil
}

func (d *decoder) expected(what string) error {
	found := d.tok.msg
	if d.tok.typ != tError {
		found = tokenNames[d.tok.typ]
	}
	return errors.New("Expected " + what + " but found " + found + " at character " + strconv.Itoa(d.tok.index+1))
}

// value turns the current token into a Lua value, parsing a whole object
// or array when the token opens one.
func (d *decoder) value() (lua.LValue, error) {
	switch d.tok.typ {
	case tString:
		return lua.LString(string(d.tok.str)), nil
	case tNumber:
		return boxNumber(d.tok.num), nil
	case tBoolean:
		return lua.LBool(d.tok.b), nil
	case tNull:
		return Null, nil
	case tObjBegin:
		return d.object()
	case tArrBegin:
		return d.array()
	}
	return nil, d.expected("value")
}

func boxNumber(f float64) lua.LValue {
	if f >= 0 && f < float64(len(boxedInts)) && f == float64(int(f)) && !(f == 0 && 1/f < 0) {
		return boxedInts[int(f)]
	}
	return lua.LNumber(f)
}

func (d *decoder) descend() error {
	d.depth++
	if d.depth > MaxDepth {
		// cjson reports the position just after the bracket, which is
		// the bracket's own 1-based position.
		return errors.New("Found too many nested data structures (" + strconv.Itoa(d.depth) +
			") at character " + strconv.Itoa(d.pos))
	}
	return nil
}

func (d *decoder) object() (lua.LValue, error) {
	if err := d.descend(); err != nil {
		return nil, err
	}
	base, kbase := len(d.vals), len(d.keys)
	d.next()
	if d.tok.typ != tObjEnd {
		for {
			if d.tok.typ != tString {
				return nil, d.expected("object key string")
			}
			d.keys = append(d.keys, internKey(d.tok.str))
			d.next()
			if d.tok.typ != tColon {
				return nil, d.expected("colon")
			}
			d.next()
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			d.vals = append(d.vals, v)
			d.next()
			if d.tok.typ == tObjEnd {
				break
			}
			if d.tok.typ != tComma {
				return nil, d.expected("comma or object end")
			}
			d.next()
		}
	}
	d.depth--
	vals, keys := d.vals[base:], d.keys[kbase:]
	tb := d.L.CreateTable(0, len(vals))
	for i, v := range vals {
		tb.RawSetString(keys[i], v)
	}
	clear(vals)
	clear(keys)
	d.vals, d.keys = d.vals[:base], d.keys[:kbase]
	return tb, nil
}

func (d *decoder) array() (lua.LValue, error) {
	if err := d.descend(); err != nil {
		return nil, err
	}
	base := len(d.vals)
	d.next()
	if d.tok.typ != tArrEnd {
		for {
			v, err := d.value()
			if err != nil {
				return nil, err
			}
			d.vals = append(d.vals, v)
			d.next()
			if d.tok.typ == tArrEnd {
				break
			}
			if d.tok.typ != tComma {
				return nil, d.expected("comma or array end")
			}
			d.next()
		}
	}
	d.depth--
	vals := d.vals[base:]
	tb := d.L.CreateTable(len(vals), 0)
	for i, v := range vals {
		tb.RawSetInt(i+1, v)
	}
	clear(vals)
	d.vals = d.vals[:base]
	return tb, nil
}

// next scans the token at d.pos into d.tok and moves past it.
func (d *decoder) next() {
	data := d.data
	i := d.pos
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	t := &d.tok
	t.index = i
	d.pos = i
	if i >= len(data) || data[i] == 0 {
		t.typ = tEnd
		return
	}
	switch c := data[i]; c {
	case '{':
		t.typ = tObjBegin
	case '}':
		t.typ = tObjEnd
	case '[':
		t.typ = tArrBegin
	case ']':
		t.typ = tArrEnd
	case ',':
		t.typ = tComma
	case ':':
		t.typ = tColon
	case '"':
		d.string()
		return
	case 't':
		if hasPrefix(data[i:], "true") {
			t.typ, t.b = tBoolean, true
			d.pos += 4
			return
		}
		d.fail(i, "invalid token")
		return
	case 'f':
		if hasPrefix(data[i:], "false") {
			t.typ, t.b = tBoolean, false
			d.pos += 5
			return
		}
		d.fail(i, "invalid token")
		return
	case 'n':
		if hasPrefix(data[i:], "null") {
			t.typ = tNull
			d.pos += 4
			return
		}
		d.fail(i, "invalid token")
		return
	default:
		if c == '-' || c >= '0' && c <= '9' {
			d.number()
			return
		}
		d.fail(i, "invalid token")
		return
	}
	d.pos++
}

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

func (d *decoder) fail(at int, msg string) {
	d.tok.typ, d.tok.index, d.tok.msg = tError, at, msg
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number scans a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() {
	data := d.data
	start := d.pos
	i := start
	neg := data[i] == '-'
	if neg {
		i++
	}
	if i >= len(data) || !isDigit(data[i]) {
		d.fail(start, "invalid number")
		return
	}
	whole := true
	var n uint64
	digits := 0
	if data[i] == '0' {
		i++
		if i < len(data) && isDigit(data[i]) {
			d.fail(start, "invalid number") // no leading zeros
			return
		}
	} else {
		for ; i < len(data) && isDigit(data[i]); i++ {
			n = n*10 + uint64(data[i]-'0')
			digits++
		}
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || !isDigit(data[i]) {
			d.fail(start, "invalid number")
			return
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
		whole = false
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			d.fail(start, "invalid number")
			return
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
		whole = false
	}
	d.pos = i
	d.tok.typ = tNumber
	if whole && digits <= 15 {
		// Exact in a float64: no need for the general parser.
		f := float64(n)
		if neg {
			f = -f
		}
		d.tok.num = f
		return
	}
	text := data[start:i]
	f, err := strconv.ParseFloat(unsafe.String(&text[0], len(text)), 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			d.fail(start, "invalid number")
			return
		}
		// Out of range: f is ±Inf (or 0), as strtod returns.
	}
	d.tok.num = f
}

// string scans a string token starting at the opening quote.
func (d *decoder) string() {
	data := d.data
	start := d.pos + 1
	i := start
	// Fast path: no escapes.
	for i < len(data) {
		c := data[i]
		if c == '"' {
			d.tok.typ, d.tok.str = tString, data[start:i]
			d.pos = i + 1
			return
		}
		if c == '\\' || c == 0 {
			break
		}
		i++
	}
	buf := append(d.buf[:0], data[start:i]...)
	for {
		if i >= len(data) || data[i] == 0 {
			d.buf = buf
			d.fail(i, "unexpected end of string")
			return
		}
		c := data[i]
		if c == '"' {
			break
		}
		if c != '\\' {
			buf = append(buf, c)
			i++
			continue
		}
		var e byte
		if i+1 < len(data) {
			e = data[i+1]
		}
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			var n int
			buf, n = appendUnicodeEscape(buf, data[i:])
			if n == 0 {
				d.buf = buf
				d.fail(i, "invalid unicode escape code")
				return
			}
			i += n
			continue
		default:
			d.buf = buf
			d.fail(i, "invalid escape code")
			return
		}
		i += 2
	}
	d.buf = buf
	d.tok.typ, d.tok.str = tString, buf
	d.pos = i + 1
}

func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// appendUnicodeEscape decodes the \uXXXX escape (or surrogate pair) at the
// start of b into UTF-8 and returns how many bytes of b it used, 0 when the
// escape is invalid.
func appendUnicodeEscape(buf, b []byte) ([]byte, int) {
	r := hex4(b[2:])
	if r < 0 {
		return buf, 0
	}
	n := 6
	if r&0xF800 == 0xD800 {
		if r&0x400 != 0 {
			return buf, 0 // a low surrogate on its own
		}
		if len(b) < 8 || b[6] != '\\' || b[7] != 'u' {
			return buf, 0
		}
		lo := hex4(b[8:])
		if lo < 0 || lo&0xFC00 != 0xDC00 {
			return buf, 0
		}
		r = 0x10000 + ((r&0x3FF)<<10 | lo&0x3FF)
		n = 12
	}
	return appendRune(buf, r), n
}

// appendRune writes r as UTF-8; r is never a surrogate here.
func appendRune(b []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(b, byte(r))
	case r < 0x800:
		return append(b, 0xC0|byte(r>>6), 0x80|byte(r)&0x3F)
	case r < 0x10000:
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return append(b, 0xF0|byte(r>>18), 0x80|byte(r>>12)&0x3F, 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
}

// internKey returns the object key b as a string, without allocating for
// the keys etcd's v2 and v3 (grpc-gateway) responses use.
func internKey(b []byte) string {
	switch string(b) {
	case "action":
		return "action"
	case "node":
		return "node"
	case "prevNode":
		return "prevNode"
	case "key":
		return "key"
	case "value":
		return "value"
	case "dir":
		return "dir"
	case "nodes":
		return "nodes"
	case "modifiedIndex":
		return "modifiedIndex"
	case "createdIndex":
		return "createdIndex"
	case "ttl":
		return "ttl"
	case "expiration":
		return "expiration"
	case "errorCode":
		return "errorCode"
	case "message":
		return "message"
	case "cause":
		return "cause"
	case "index":
		return "index"
	case "header":
		return "header"
	case "kvs":
		return "kvs"
	case "count":
		return "count"
	case "more":
		return "more"
	case "cluster_id":
		return "cluster_id"
	case "member_id":
		return "member_id"
	case "revision":
		return "revision"
	case "raft_term":
		return "raft_term"
	case "create_revision":
		return "create_revision"
	case "mod_revision":
		return "mod_revision"
	case "version":
		return "version"
	case "lease":
		return "lease"
	case "ID":
		return "ID"
	case "TTL":
		return "TTL"
	}
	return string(b)
}
