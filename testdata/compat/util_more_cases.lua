-- The rest of lua-util 1.2.1: util.table's path, walk and array functions,
-- util.string.extend and util.eval. Run by util_test.go; the expected text
-- util_more_cases.txt is what lua-util 1.2.1 prints on PUC Lua 5.1.
local ustr = require('util.string')
local utbl = require('util.table')
local out = {}
local function show(v)
    if type(v) ~= 'table' then
        return type(v) == 'string' and string.format('%q', v) or tostring(v)
    end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b)
        if type(a) == type(b) and type(a) ~= 'boolean' then return a < b end
        return type(a) < type(b)
    end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = '[' .. show(k) .. ']=' .. show(v[k]) end
    return '{' .. table.concat(parts, ',') .. '}'
end
local function add(label, ...)
    local parts = {}
    for i = 1, select('#', ...) do parts[i] = show((select(i, ...))) end
    out[#out + 1] = label .. ': ' .. table.concat(parts, ' ')
end

local util = require('util')
local function pcallMsg(...)
    local ok, err = pcall(...)
    if ok then return 'ok' end
    return (tostring(err):gsub('^[^:]*:%d+: ', ''))
end

-- seal
local sealed = utbl.seal({ a = 1 })
add('seal read', sealed.a)
add('seal write', pcallMsg(function() sealed.b = 2 end))
add('seal existing', pcallMsg(function() sealed.a = 3 end), rawget(sealed, 'a'))

-- get / set
local doc = { a = { b = { 'x', 'y' }, ['1'] = 'str1' }, list = { { name = 'n' } } }
add('get path', utbl.get(doc, 'a.b.2'))
add('get string digit first', utbl.get(doc, 'a.1'))
add('get number', utbl.get(doc, 'list.1.name'))
add('get missing', utbl.get(doc, 'a.z.q'))
add('get through value', utbl.get(doc, 'a.b.1.x'))
add('get delim', utbl.get(doc, 'a/b/1', '/'))
add('get empty', utbl.get(doc, '') == doc)
local t = {}
utbl.set(t, 'a.b.1', 'v')
add('set nested', t)
utbl.set(t, 'a.c', 5)
add('set second', t)
utbl.set(t, 'a', 'replaced')
add('set replace', t)
utbl.set(t, 'x/y', true, '/')
add('set delim', t)
utbl.set(t, '', 'empty')
add('set empty', t)

-- enumerate / flatten
local nested = { a = { b = { c = 1 } } }
add('enumerate', utbl.enumerate(nested))
add('enumerate 2', utbl.enumerate(nested, 2))
add('enumerate 0', utbl.enumerate(nested, 0))
add('flatten', utbl.flatten(nested))
add('flatten 1', utbl.flatten(nested, 1))
add('flatten 2', utbl.flatten(nested, 2))
add('flatten array', utbl.flatten({ { 1, 2 }, { 3 } }))
local cyc = { x = 1 }
cyc.self = cyc
add('flatten cycle', (utbl.flatten({ c = cyc }))['c.x'], (utbl.flatten({ c = cyc }))['c.self'] == cyc)

-- align
local aligned, n = utbl.align({ 'p', 'q' })
add('align', aligned, n)

-- each
local seen = {}
utbl.each({ 'a', 'b', 'c' }, nil, function(v, k, tbl, extra) seen[#seen + 1] = k .. v .. extra; return k == 2 end, '!')
add('each stops', seen)
seen = {}
utbl.each({ 'a', k = 'v' }, 'string', function(v, k) seen[#seen + 1] = k .. v end)
add('each type', seen)
seen = {}
utbl.eachKey({ 'a', k = 'v' }, function(v, k) seen[#seen + 1] = k .. v end)
add('eachKey', seen)
seen = {}
utbl.eachIndex({ 'a', 'b', k = 'v' }, function(v, k) seen[#seen + 1] = k .. v end)
add('eachIndex', seen)

-- array functions
local arr = { 1, 2, 3 }
add('push', utbl.push(arr, 4, 5), arr)
add('pop', utbl.pop(arr), arr)
add('shift', utbl.shift(arr), arr)
add('unshift', utbl.unshift(arr, 'a', 'b'), arr)
arr = { 1, 2, 3, 4, 5 }
utbl.reverse(arr)
add('reverse odd', arr)
arr = { 1, 2, 3, 4 }
utbl.reverse(arr)
add('reverse even', arr)
add('reverse returns', select('#', utbl.reverse({})))
arr = { 'a', 'b', 'c', 'd', 'e' }
add('slice', utbl.slice(arr, 2, 4))
add('slice open', utbl.slice(arr, 3))
add('slice negative', utbl.slice(arr, -2))
add('slice negative tail', utbl.slice(arr, 1, -2))
add('slice far negative', utbl.slice(arr, -10, 2))
add('slice empty', utbl.slice(arr, 4, 2))
add('slice past end', utbl.slice(arr, 4, 7))
add('slice no head', pcallMsg(utbl.slice, arr))
add('indexOf', utbl.indexOf(arr, 'c'), utbl.indexOf(arr, 'c', 4), utbl.indexOf(arr, 'z'), utbl.indexOf(arr, 'a', 0))
add('every', utbl.every({ 2, 4 }, function(v) return v % 2 == 0 end), utbl.every({ 2, 3 }, function(v) return v % 2 == 0 end), utbl.every({ 1 }, function() end))
add('some', utbl.some({ 1, 2 }, function(v) return v > 1 end), utbl.some({ 1 }, function(v) return v > 1 end), utbl.some({ 1 }, function() return 1 end))
add('filter', utbl.filter({ 1, 2, 3, 4, k = 6 }, function(v) return v % 2 == 0 end))
add('filter extra', utbl.filter({ 1, 2, 3 }, function(v, k, tbl, min) return v >= min end, 2))
add('map', utbl.map({ 1, 2, 3 }, function(v) if v ~= 2 then return v * 10 end end))
add('map false', utbl.map({ 1 }, function() return false end))
add('reduce', utbl.reduce({ 1, 2, 3 }, function(a, b) return a + b end))
add('reduce init', utbl.reduce({ 1, 2, 3 }, function(a, b) return a + b end, 10))
add('reduce args', utbl.reduce({ 'a', 'b' }, function(acc, v, k, tbl, sep) return acc .. sep .. k .. v end, 'x', '|'))
add('reduce empty', utbl.reduce({}, function() end), utbl.reduce({}, function() end, 0))

-- extend / unextend of the table library
local originalInsert = table.insert
utbl.extend()
add('extend', type(table.reduce), table.insert == originalInsert)
utbl.extend(true)
add('extend overwrite', table.insert == originalInsert, table.insert == utbl.insert)
utbl.unextend()
add('unextend', type(table.reduce), type(table.insert), table.insert == originalInsert)

-- util.string extend / unextend
ustr.extend()
add('string extend', ('  x  '):trim(), #('a,b'):split(','), ('abc'):charAt(2))
ustr.unextend()
add('string unextend', type(('x').trim), ('x'):upper())

-- util.eval / evalfile / getfenv
local env = { k = 'env value' }
local fn, err = util.eval('return k', env)
add('eval env', fn())
fn, err = util.eval('return k')
add('eval global', fn())
fn, err = util.eval('return +', nil, '=ident')
add('eval error', fn, err ~= nil)
fn, err = util.evalfile('/nonexistent/file.lua')
add('evalfile missing', fn, err ~= nil)
add('getfenv', util.getfenv(fn or print) == _G, util.getfenv(util.eval('return 1', env)) == env)

return table.concat(out, '\n') .. '\n'
