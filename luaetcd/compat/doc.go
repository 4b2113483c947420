/*
Package compat provides, for gopher-lua, the modules that scripts written
for lua-etcd 0.12 (mah0x211) require alongside it. Preload(L) adds them to
package.preload, so that require works unchanged:

	util, util.typeof, util.string, util.table  (lua-util 1.2.1)
	cjson, cjson.safe                            (lua-cjson 2.1.0)
	path                                         (lua-path 1.0.x)
	socket, socket.url, socket.http, ltn12       (luasocket 3.0, pure parts)

The versions are the ones lua-etcd 0.12's rockspec depends on ("util >=
1.2.1", "lua-cjson >= 2.1.0", "path >= 1.0.1"). The behaviour was
reproduced from reading those modules and checked against them running on
PUC Lua 5.1 (see the tests and testdata/compat).

# util

util.inspect(value [, opts]) renders a value as lua-util 1.2.1 does, byte
for byte (checked against lua-util 1.2.1 on PUC Lua 5.1):

  - A table is written as "{ " then, per entry, "," (but before the first),
    a newline, the padding, the indentation of its level and the entry; the
    closing "}" comes on its own line at the table's own indentation. An
    empty table is "{ }".
  - Entries come in next() order (in gopher-lua: the array part, then the
    other keys in insertion order), as the original walks tables with next;
    like the original's `while k do`, the walk stops at a false key.
  - Keys: a number is written "[n] = " (n as %.14g); a string matching
    ^[a-zA-Z_][a-zA-Z0-9_]*$ that is not a Lua keyword is written "k = ";
    anything else `["<tostring(k)>"] = ` (not escaped).
  - Values: strings as Lua 5.1's %q, numbers and booleans as tostring,
    nested tables recursively, anything else as %q of tostring(v).
  - A table whose tostring text is already on the current path is a
    circular reference: "<Circular table: 0x...>" in quotes (tables sharing
    a __tostring text count as the same table, as in the original).
  - A value that is not a table is written as tostring would.
  - opts (a table; nil or false for none) may set depth, the spaces per
    level (default 4), padding, spaces before every line but the first
    (default 0), both used as the original does, through the format
    ('%' .. n .. 's'), so 2.5 gives 2, -3 gives 3 and a text that is not
    a valid width raises string.format's error; callback(value, type,
    what, key, udata), called for every key (what "index": returning a
    value replaces the key, a second true result skips the entry), every
    value (what "value": a second true result writes the returned value
    raw) and every circular reference (what "circular": a table result
    gives the usual text, anything else is written instead); and udata,
    passed to callback. For a value that is not a table, opts.callback
    is called (value, type, "value", false) and its result used unless
    nil or false. Errors are the original's: inspect(t, 2) raises
    "attempt to index local 'opt' (a number value)".

Function and thread texts are gopher-lua's ("function: 0x...") rather than
Lua 5.1's, since they are addresses anyway.

util.eval(src [, env [, ident]]), util.evalfile(file [, env]) and
util.getfenv(fn) are lua-util's loadstring/loadfile/getfenv helpers.

util.typeof (also require('util.typeof')) has every checker of lua-util's
typeof module: nil, boolean, string, number, function, table, thread,
userdata, finite, unsigned, int, int8, int16, int32, uint, uint8, uint16,
uint32, nan, non, the aliases Nil and Function, and the T_<NAME> constants
(T_NIL = "nil", T_UINT = "uint", ...). Semantics follow the original:
no string coercion; finite excludes ±inf and NaN; unsigned is any number in
[0, inf), so 0.5 and -0 count; int and uint need a whole finite number
(huge values such as 2^53 or 1e300 count as int); the sized variants check
the ranges; nan is true only for NaN; non is true for nil, false, 0, -0,
the empty string and NaN. A missing argument is nil.

util.string: split(str, delim) (delim is a Lua pattern; empty pieces are
dropped; a delimiter that matches the empty string raises an error where the
original loops forever), trim(str), charAt(str, i), charCodeAt(str [, i [,
j]]), extend([overwrite]) (adds the four to the string methods) and
unextend() (strings then index a copy of the string library taken when
util.string was loaded).

util.table: every function of lua-util 1.2.1: copy, clone, seal, freeze,
keys, get, set, merge, enumerate, flatten, align, each, eachKey, eachIndex,
pop, push, shift, unshift, reverse, join, slice, indexOf, every, some,
filter, map, reduce, extend and unextend. The ones that call back into Lua
(and seal, get, set, the walks and extend) are written in Lua
(utilextra.lua), so that they compare, call and raise as the original; the
others in Go. Like the original, they visit entries in next() order. Error
texts match; their positions name util.lua rather than the original's file.

# socket, socket.url, socket.http, ltn12

The pure parts of luasocket 3.0 (Debian's lua-socket 3.x, which lua-etcd's
etcd.luasocket is named after), checked against it running on PUC Lua 5.1
(testdata/lua51/34_socket_url.lua, 35_socket.lua and, against a real HTTP
server, testdata/compat/http_cases.lua):

  - socket: _VERSION ("LuaSocket 3.0.0"), gettime() (seconds since the epoch,
    microseconds), sleep(seconds) (it ends with the context's error when the
    state's context is cancelled, so Ctrl-C stops a sleeping script), skip,
    try, newtry, protect and choose. tcp, tcp4, tcp6, udp, udp4, udp6, select,
    connect, connect4, connect6, bind and the socket.dns functions raise
    "socket.tcp is not provided by luaetcd: raw sockets are not available".
  - socket.url: escape, unescape, parse (with a default table), build,
    absolute (RFC 3986's examples resolve as luasocket resolves them),
    parse_path and build_path.
  - socket.http: request(url [, body]) returns body, code, headers, status
    (a POST of body as a form when body is given); request{ url = ..., sink
    = ..., method, headers, source, redirect, maxredirects, proxy, user,
    password, ... } returns 1, code, headers, status, the body going to the
    sink; both return nil and luasocket's text ("connection refused",
    "timeout", "host or service not provided, or not known", "invalid host
    'nil'") when the request fails. Header names are in lower case, repeated
    ones joined with ", "; the default headers, redirects (301, 302, 303, 307
    for GET and HEAD, at most 5, never from https to http) and the 408 case
    are luasocket's. TIMEOUT, USERAGENT and PROXY are read at each request.
    Requests are made by Go's client: https works, with the host's TLS
    configuration (SetTLSConfig; NewState passes WithTLSConfig, the runner its
    --cacert/--cert/--key, whose CA then is the only one trusted) or the
    system's roots; the state's context ends a
    request; TIMEOUT bounds connecting and waiting for the response headers;
    a request's source is read to its end before the request is sent; step
    and create are ignored.
  - ltn12: source (empty, error, string, file, simplify, rewind, chain, cat),
    sink (table, null, error, file, simplify, chain), pump (step, all) and
    filter (cycle, chain), with BLOCKSIZE 2048.

# cjson and cjson.safe

encode(v) and decode(s) use package luajson, which follows lua-cjson 2.1's
default rules and uses its error texts. cjson raises the error text as it
is (no position prefix, as lua-cjson's C errors read); cjson.safe returns
nil and the text instead. Both check their argument count first ("expected
1 argument") and raise that even in safe mode, as lua-cjson does. decode
accepts a number (it is read as its text), like luaL_checklstring.
cjson.null is luajson.Null, so cjson.decode('null') == cjson.null, and
cjson.safe.null is the same value. _NAME and _VERSION ("2.1.0") are set and
new() returns an instance with its own settings.

The configuration functions encode_sparse_array, encode_max_depth,
decode_max_depth, encode_number_precision, encode_keep_buffer,
encode_invalid_numbers and decode_invalid_numbers accept, check and return
their settings as lua-cjson 2.1.0's do (same defaults, ranges, option names
and argument errors), but they do not change how encode and decode work:
luajson always applies lua-cjson's defaults (sparse arrays: convert off,
ratio 2, safe 10; depth 1000; precision 14; invalid numbers refused by
encode and accepted by decode). A script that changes them gets its value
back but the default behaviour.

# path

normalize(...) is lua-path's: the non-nil arguments, converted with
tostring, are joined with "/", then repeated slashes collapse, "." goes,
".." removes the previous segment and stops at the root, and the result
is "/" followed by the segments ("" and no arguments give "/"). It uses
keypath.Normalize, which gives the same results (checked exhaustively on
combinations of edge segments in the tests).

Not provided from lua-path: dirname, basename, extname, exists, stat,
readdir, toReg, toDir and the isReg/isDir/isChr/isBlk/isFifo/isLnk/isSock
file-system functions.
*/
package compat
