package compat

import (
	"strconv"
	"strings"

	"github.com/luaetcd/go-luaetcd/luaetcd/lua51"
	lua "github.com/yuin/gopher-lua"
)

// socket.url as in luasocket 3.0 (URL 1.0.3): RFC 3986 parsing the way
// that module does it (not a validating parser: it splits at the first
// '#', '?' and ';', and the authority at '@' and the last ':'), building,
// resolving relative URLs, and escaping.

const urlVersion = "URL 1.0.3"

func loadSocketURL(L *lua.LState) int {
	L.Push(newSocketURLModule(L))
	return 1
}

func newSocketURLModule(L *lua.LState) *lua.LTable {
	mod := L.NewTable()
	mod.RawSetString("_VERSION", lua.LString(urlVersion))
	for name, fn := range map[string]lua.LGFunction{
		"escape":     urlEscape,
		"unescape":   urlUnescape,
		"parse":      urlParse,
		"build":      urlBuild,
		"absolute":   urlAbsolute,
		"parse_path": urlParsePath,
		"build_path": urlBuildPath,
	} {
		mod.RawSetString(name, L.NewFunction(fn))
	}
	return mod
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// escapeBytes writes every byte but letters, digits, '_' and those in keep
// as %xx (upper- or lower-case hex).
func escapeBytes(s, keep string, upper bool) string {
	digits := "0123456789abcdef"
	if upper {
		digits = "0123456789ABCDEF"
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '_' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
	return b.String()
}

// escape(s): every byte but letters, digits and '_' as %xx (lower case).
func urlEscape(L *lua.LState) int {
	L.Push(lua.LString(escapeBytes(luaString(L, 1), "", false)))
	return 1
}

// unescapeString decodes every %xx (two hex digits); other '%' stay.
func unescapeString(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func urlUnescape(L *lua.LState) int {
	L.Push(lua.LString(unescapeString(luaString(L, 1))))
	return 1
}

// luaString is argument i as string functions take it: a string, or a
// number in Lua 5.1's format.
func luaString(L *lua.LState, i int) string {
	if n, ok := L.Get(i).(lua.LNumber); ok {
		return lua51.FormatNumber(float64(n))
	}
	return L.CheckString(i)
}

// concatValue is v as the .. operator takes it: a string or a number;
// anything else raises Lua's error.
func concatValue(L *lua.LState, v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return lua51.FormatNumber(float64(x))
	}
	L.RaiseError("attempt to concatenate a %s value", v.Type().String())
	return ""
}

// parsedURL holds the parts parse sets; a nil pointer is an absent part.
type urlParts map[string]string

// parseURL splits url as luasocket's parse does, into the parts it finds
// (set in parts, which may hold defaults).
func parseURL(url string, parts urlParts) {
	// scheme: a letter or digit, then letters, digits, '+', '-', '.', then ':'
	if len(url) > 0 && isAlnum(url[0]) {
		j := 1
		for j < len(url) && (isAlnum(url[j]) || strings.IndexByte("+-.", url[j]) >= 0) {
			j++
		}
		if j < len(url) && url[j] == ':' {
			parts["scheme"] = url[:j]
			url = url[j+1:]
		}
	}
	if strings.HasPrefix(url, "//") {
		rest := url[2:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		parts["authority"] = rest[:end]
		url = rest[end:]
	}
	for _, p := range []struct {
		sep  byte
		name string
	}{{'#', "fragment"}, {'?', "query"}, {';', "params"}} {
		if i := strings.IndexByte(url, p.sep); i >= 0 {
			parts[p.name] = url[i+1:]
			url = url[:i]
		}
	}
	if url != "" {
		parts["path"] = url
	}
	authority, ok := parts["authority"]
	if !ok {
		return
	}
	if i := strings.IndexByte(authority, '@'); i >= 0 {
		parts["userinfo"] = authority[:i]
		authority = authority[i+1:]
	}
	if i := strings.LastIndexByte(authority, ':'); i >= 0 && strings.IndexByte(authority[i:], ']') < 0 {
		parts["port"] = authority[i+1:]
		authority = authority[:i]
	}
	if authority != "" {
		if len(authority) >= 3 && authority[0] == '[' && authority[len(authority)-1] == ']' {
			authority = authority[1 : len(authority)-1]
		}
		parts["host"] = authority
	}
	userinfo, ok := parts["userinfo"]
	if !ok {
		return
	}
	if i := strings.LastIndexByte(userinfo, ':'); i >= 0 {
		parts["password"] = userinfo[i+1:]
		userinfo = userinfo[:i]
	}
	parts["user"] = userinfo
}

// parse(url [, default]): a table of the URL's parts (scheme, authority,
// userinfo, user, password, host, port, path, params, query, fragment),
// starting from a copy of default; nil and "invalid url" for nil or "".
func urlParse(L *lua.LState) int {
	res := L.NewTable()
	if d, ok := L.Get(2).(*lua.LTable); ok {
		d.ForEach(func(k, v lua.LValue) { res.RawSet(k, v) })
	} else if L.Get(2) != lua.LNil && L.Get(2) != lua.LFalse {
		L.RaiseError("bad argument #1 to 'pairs' (table expected, got %s)", L.Get(2).Type().String())
	}
	if v := L.Get(1); v == lua.LNil || v == lua.LFalse || v == lua.LString("") {
		L.Push(lua.LNil)
		L.Push(lua.LString("invalid url"))
		return 2
	}
	parts := urlParts{}
	parseURL(luaString(L, 1), parts)
	for k, v := range parts {
		res.RawSetString(k, lua.LString(v))
	}
	L.Push(res)
	return 1
}

// part reads a field of a parsed table: its text and whether it is set
// (not nil or false).
func part(L *lua.LState, t lua.LValue, name string) (string, bool) {
	v := L.GetField(t, name)
	if !lua.LVAsBool(v) {
		return "", false
	}
	return concatValue(L, v), true
}

// buildURL puts parsed parts back together as luasocket's build does.
func buildURL(L *lua.LState, t lua.LValue) string {
	url, _ := part(L, t, "path")
	if p, ok := part(L, t, "params"); ok {
		url += ";" + p
	}
	if q, ok := part(L, t, "query"); ok {
		url += "?" + q
	}
	authority, hasAuthority := part(L, t, "authority")
	if host, ok := part(L, t, "host"); ok {
		authority, hasAuthority = host, true
		if strings.Contains(authority, ":") {
			authority = "[" + authority + "]"
		}
		if port := L.GetField(t, "port"); lua.LVAsBool(port) {
			authority += ":" + luaToString(L, port)
		}
		userinfo, hasUserinfo := part(L, t, "userinfo")
		if user, ok := part(L, t, "user"); ok {
			userinfo, hasUserinfo = user, true
			if pw, ok := part(L, t, "password"); ok {
				userinfo += ":" + pw
			}
		}
		if hasUserinfo {
			authority = userinfo + "@" + authority
		}
	}
	if hasAuthority {
		url = "//" + authority + url
	}
	if s, ok := part(L, t, "scheme"); ok {
		url = s + ":" + url
	}
	if f, ok := part(L, t, "fragment"); ok {
		url += "#" + f
	}
	return url
}

func urlBuild(L *lua.LState) int {
	t := L.Get(1)
	if t.Type() != lua.LTTable && L.GetMetaField(t, "__index") == lua.LNil {
		L.RaiseError("attempt to index local 'parsed' (a %s value)", t.Type().String())
	}
	L.Push(lua.LString(buildURL(L, t)))
	return 1
}

// removeDotSegments resolves "." and ".." in a path as luasocket 3.0
// does: empty segments ("//") are kept, a ".." removes the segment before
// it, and ".." above the root is dropped.
func removeDotSegments(path string) string {
	const marker = "\x01" // stands for an empty segment while resolving
	for strings.Contains(path, "//") {
		path = strings.Replace(path, "//", "/"+marker+"/", 1)
	}
	for strings.Contains(path, "/./") {
		path = strings.Replace(path, "/./", "/", 1)
	}
	// A segment followed by "/../" and another segment: drop the first
	// two, leftmost first, until there is none.
	for {
		changed := false
		for i := 0; i < len(path); i++ {
			if path[i] == '/' || (i > 0 && path[i-1] != '/') {
				continue
			}
			j := i
			for j < len(path) && path[j] != '/' {
				j++
			}
			if strings.HasPrefix(path[j:], "/../") && j+4 < len(path) && path[j+4] != '/' {
				path = path[:i] + path[j+4:]
				changed = true
				break
			}
		}
		if !changed {
			break
		}
	}
	// A segment followed by "/.." and only slashes to the end goes.
	for i := 0; i < len(path); i++ {
		if path[i] == '/' || (i > 0 && path[i-1] != '/') {
			continue
		}
		j := i
		for j < len(path) && path[j] != '/' {
			j++
		}
		if rest, ok := strings.CutPrefix(path[j:], "/.."); ok && strings.Trim(rest, "/") == "" {
			path = path[:i]
			break
		}
	}
	if s, ok := strings.CutSuffix(path, "/.."); ok {
		path = s + "/"
	}
	if s, ok := strings.CutSuffix(path, "/."); ok {
		path = s + "/"
	}
	if s, ok := strings.CutPrefix(path, "/../"); ok {
		path = "/" + s
	}
	return strings.ReplaceAll(path, marker, "")
}

// absolutePath resolves a relative path against a base path.
func absolutePath(base, rel string) string {
	if strings.HasPrefix(rel, "/") {
		return removeDotSegments(rel)
	}
	base = base[:strings.LastIndexByte(base, '/')+1]
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return removeDotSegments(base + rel)
}

// absolute(base, relative): relative resolved against base (a URL or a
// parsed table), as luasocket 3.0 resolves it.
func urlAbsolute(L *lua.LState) int {
	var baseURL string
	var base urlParts
	if t, ok := L.Get(1).(*lua.LTable); ok {
		baseURL = buildURL(L, t)
		base = urlParts{}
		for _, name := range []string{"scheme", "authority", "path", "params", "query"} {
			if v, ok := part(L, t, name); ok {
				base[name] = v
			}
		}
	} else if v := L.Get(1); v != lua.LNil && v != lua.LFalse && v != lua.LString("") {
		baseURL = luaString(L, 1)
		base = urlParts{}
		parseURL(baseURL, base)
	}
	relV := L.Get(2)
	var rel urlParts
	relURL := ""
	if relV != lua.LNil && relV != lua.LFalse && relV != lua.LString("") {
		relURL = luaString(L, 2)
		rel = urlParts{}
		parseURL(relURL, rel)
	}
	var result string
	switch {
	case base == nil:
		if relV == lua.LNil || relV == lua.LFalse {
			L.RaiseError("bad argument #1 to 'gsub' (string expected, got %s)", relV.Type().String())
		}
		result = relURL
	case rel == nil:
		result = baseURL
	default:
		if _, ok := rel["scheme"]; ok {
			result = relURL
			break
		}
		setFrom := func(name string) {
			if v, ok := base[name]; ok {
				rel[name] = v
			} else {
				delete(rel, name)
			}
		}
		setFrom("scheme")
		if _, ok := rel["authority"]; !ok {
			setFrom("authority")
			if _, ok := rel["path"]; !ok {
				setFrom("path")
				if _, ok := rel["params"]; !ok {
					setFrom("params")
					if _, ok := rel["query"]; !ok {
						setFrom("query")
					}
				}
			} else {
				rel["path"] = absolutePath(base["path"], rel["path"])
			}
		}
		t := L.NewTable()
		for k, v := range rel {
			t.RawSetString(k, lua.LString(v))
		}
		result = buildURL(L, t)
	}
	L.Push(lua.LString(removeDotSegments(result)))
	return 1
}

// parse_path(path): the unescaped segments, with is_absolute = 1 when
// path starts with '/' and is_directory = 1 when it ends with one.
func urlParsePath(L *lua.LState) int {
	path := ""
	if v := L.Get(1); lua.LVAsBool(v) {
		path = luaString(L, 1)
	}
	res := L.NewTable()
	for _, seg := range strings.Split(path, "/") {
		if seg != "" {
			res.Append(lua.LString(unescapeString(seg)))
		}
	}
	if strings.HasPrefix(path, "/") {
		res.RawSetString("is_absolute", lua.LNumber(1))
	}
	if strings.HasSuffix(path, "/") {
		res.RawSetString("is_directory", lua.LNumber(1))
	}
	L.Push(res)
	return 1
}

// segmentSafe are the bytes build_path leaves as they are in a segment,
// besides letters, digits and '_'.
const segmentSafe = "-_.!~*'():@&=+$,"

// build_path(parsed [, unsafe]): the segments joined with '/', each
// escaped (%XX) unless unsafe, with the leading and trailing '/' that
// is_absolute and is_directory ask for.
func urlBuildPath(L *lua.LState) int {
	t := L.CheckTable(1)
	unsafe := lua.LVAsBool(L.Get(2))
	n := t.Len()
	var b strings.Builder
	if lua.LVAsBool(t.RawGetString("is_absolute")) {
		b.WriteByte('/')
	}
	for i := 1; i <= n; i++ {
		seg := concatValue(L, t.RawGetInt(i))
		if !unsafe {
			seg = escapeBytes(seg, segmentSafe, true)
		}
		b.WriteString(seg)
		if i < n {
			b.WriteByte('/')
		}
	}
	if n > 0 && lua.LVAsBool(t.RawGetString("is_directory")) {
		b.WriteByte('/')
	}
	L.Push(lua.LString(b.String()))
	return 1
}
