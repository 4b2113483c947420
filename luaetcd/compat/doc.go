/*
Package compat provides, for gopher-lua, the modules that scripts written
for lua-etcd 0.12 (mah0x211) require alongside it. Preload(L) adds them to
package.preload, so that require works unchanged:

	util, util.typeof, util.string, util.table  (lua-util 1.2.1)
	cjson, cjson.safe                            (lua-cjson 2.1.0)
	path                                         (lua-path 1.0.x)

The versions are the ones lua-etcd 0.12's rockspec depends on ("util >=
1.2.1", "lua-cjson >= 2.1.0", "path >= 1.0.1"). The behaviour was
reproduced from reading those modules and checked against them running on
PUC Lua 5.1 (see the tests and testdata/compat).

# util

util.inspect(value [, indent]) renders a value as lua-util 1.2.1 does,
byte for byte:

  - A table is written as "{ " then, per entry, a newline, the indentation
    and the entry, entries separated by ","; the closing "}" comes on its own
    line at the table's own indentation. An empty table is "{ }".
  - Entries come in next() order (in gopher-lua: the array part, then the
    other keys in insertion order), as the original walks tables with next;
    like the original's `while k do`, the walk stops at a false key.
  - Keys: a string matching ^[a-zA-Z_][a-zA-Z0-9_]*$ is written `k = `,
    another string `["k"] = ` (not escaped); a number key is not written at
    all; any other key is written `["<tostring(k)>"]` with no " = ".
  - Values: strings in double quotes (not escaped), numbers as Lua 5.1's
    tostring ("%.14g": 1e+15, 0.33333333333333, inf, -inf, nan/-nan),
    nested tables recursively, anything else as "<tostring(v)>" in quotes
    (booleans too, and __tostring is used).
  - A table whose tostring text is already on the current path is written
    "<Circular table: 0x...>" in quotes (tables sharing a __tostring text
    count as the same table, as in the original); shared tables that do
    not form a cycle are written in full each time. Metatables are not
    shown and __index is not followed.
  - A value that is not a table is written as tostring would, a string
    without quotes.
  - indent is the number of spaces per level (default 4; nil or false mean
    4; a numeric string counts as its number; the original's loop is
    followed, so 2.5 gives 2 and values below 1 give 0). Other types raise
    an argument error, and levels above 65536 are refused (the original
    would try to build the string).

Function and thread texts are gopher-lua's ("function: 0x...") rather than
Lua 5.1's, since they are addresses anyway.

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
j]]).

util.table: copy, clone, freeze, keys (string keys only, and their count),
merge, join.

Not provided from lua-util: util.string.extend/unextend and
util.table.extend/unextend (they patch the global string/table libraries),
and util.table's get, set, seal, enumerate, flatten, align, each, eachKey,
eachIndex, pop, push, shift, unshift, reverse, slice, indexOf, every, some,
filter, map and reduce.

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
