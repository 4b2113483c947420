package compat

import "testing"

// The Lua half of util: compiled once, completing each module.
func TestUtilExtraInstalled(t *testing.T) {
	L := newState(t)
	res := eval(t, L, `
		local u = require('util')
		local n = 0
		for _, name in ipairs({ 'seal', 'get', 'set', 'enumerate', 'flatten', 'align', 'each', 'eachKey',
			'eachIndex', 'pop', 'push', 'shift', 'unshift', 'reverse', 'slice', 'indexOf', 'every',
			'some', 'filter', 'map', 'reduce', 'extend', 'unextend' }) do
			if type(u.table[name]) == 'function' then n = n + 1 end
		end
		return n, type(u.eval), type(u.evalfile), type(u.getfenv), type(u.string.extend), type(u.string.unextend)`)
	want := []string{"23", "function", "function", "function", "function", "function"}
	for i, w := range want {
		if res[i].String() != w {
			t.Errorf("result %d: %v, want %s", i+1, res[i], w)
		}
	}
}

func TestLtn12Module(t *testing.T) {
	L := newState(t)
	res := eval(t, L, `
		local ltn12 = require('ltn12')
		local t = {}
		ltn12.pump.all(ltn12.source.string('abc'), (ltn12.sink.table(t)))
		return ltn12._VERSION, table.concat(t), require('ltn12') == ltn12`)
	if res[0].String() != "LTN12 1.0.3" || res[1].String() != "abc" || res[2].String() != "true" {
		t.Errorf("got %v", res)
	}
}
