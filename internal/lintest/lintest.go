// Package lintest holds the model that the linearizability tests check
// their recorded histories against with github.com/anishathalye/porcupine:
// one register (one etcd key) read with get, written with set and with
// compare-and-swap. The v3 backend's Go-level test and the Lua-level test
// of the luaetcd package share it, so both prove the same property.
package lintest

import (
	"fmt"

	"github.com/anishathalye/porcupine"
)

// Input is one call on the register.
type Input struct {
	Op       string // "get", "set" or "cas"
	Value    string // set, cas: the new value
	Expected string // cas: the value it swaps from ("" for no key)
}

// Output is what the call answered.
type Output struct {
	Value string // get: the value read ("" for no key)
	OK    bool   // cas: swapped
	// Unknown: a set or cas that got no answer (an error, a timeout, a
	// 5xx) may or may not have taken effect; its Return time must be
	// math.MaxInt64, as it may take effect at any later time.
	Unknown bool
}

// RegisterModel is a register whose state is its value ("" while the key
// does not exist). It refuses a read that does not see the current value
// (a stale read, a lost write) and a swap whose outcome disagrees with the
// current value; an unknown outcome allows both.
var RegisterModel = porcupine.NondeterministicModel{
	Init: func() []any { return []any{""} },
	Step: func(state, input, output any) []any {
		st, in, out := state.(string), input.(Input), output.(Output)
		switch in.Op {
		case "get":
			if out.Value == st {
				return []any{st}
			}
			return nil
		case "set":
			if out.Unknown {
				return []any{st, in.Value}
			}
			return []any{in.Value}
		}
		match := st == in.Expected
		switch {
		case out.Unknown && match:
			return []any{st, in.Value}
		case out.Unknown:
			return []any{st}
		case out.OK && match:
			return []any{in.Value}
		case !out.OK && !match:
			return []any{st}
		}
		return nil
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(Input), output.(Output)
		return fmt.Sprintf("%s(%q, %q) -> %+v", in.Op, in.Value, in.Expected, out)
	},
}

// Violations are histories RegisterModel must refuse: a test that relies
// on the model checks them first (CatchesViolations), so that its own
// check is known to be able to fail.
var Violations = [][]porcupine.Operation{
	{ // a read after an acknowledged set misses it (a lost write)
		{ClientId: 0, Input: Input{Op: "set", Value: "a"}, Call: 0, Output: Output{}, Return: 1},
		{ClientId: 1, Input: Input{Op: "get"}, Call: 2, Output: Output{Value: ""}, Return: 3},
	},
	{ // a read sees an older value after a newer one was read (stale)
		{ClientId: 0, Input: Input{Op: "set", Value: "a"}, Call: 0, Output: Output{}, Return: 1},
		{ClientId: 0, Input: Input{Op: "set", Value: "b"}, Call: 2, Output: Output{}, Return: 3},
		{ClientId: 1, Input: Input{Op: "get"}, Call: 4, Output: Output{Value: "b"}, Return: 5},
		{ClientId: 2, Input: Input{Op: "get"}, Call: 6, Output: Output{Value: "a"}, Return: 7},
	},
	{ // two swaps from the same value both succeed
		{ClientId: 0, Input: Input{Op: "set", Value: "a"}, Call: 0, Output: Output{}, Return: 1},
		{ClientId: 1, Input: Input{Op: "cas", Value: "b", Expected: "a"}, Call: 2, Output: Output{OK: true}, Return: 3},
		{ClientId: 2, Input: Input{Op: "cas", Value: "c", Expected: "a"}, Call: 4, Output: Output{OK: true}, Return: 5},
	},
	{ // a swap fails although the value it expects is current
		{ClientId: 0, Input: Input{Op: "set", Value: "a"}, Call: 0, Output: Output{}, Return: 1},
		{ClientId: 1, Input: Input{Op: "cas", Value: "b", Expected: "a"}, Call: 2, Output: Output{OK: false}, Return: 3},
	},
}

// CatchesViolations reports the first of Violations that RegisterModel
// accepts, or nil when it refuses them all.
func CatchesViolations() []porcupine.Operation {
	m := RegisterModel.ToModel()
	for _, h := range Violations {
		if porcupine.CheckOperations(m, h) {
			return h
		}
	}
	return nil
}
