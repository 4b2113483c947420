package lintest

import (
	"math"
	"testing"

	"github.com/anishathalye/porcupine"
)

// The model refuses every history of Violations, so a check with it can
// fail.
func TestModelCatchesViolations(t *testing.T) {
	if h := CatchesViolations(); h != nil {
		t.Fatalf("accepted %+v", h)
	}
}

// The model accepts what a register may do, unknown outcomes included: a
// set without an answer that a later read sees, and one that it does not.
func TestModelAcceptsLegalHistories(t *testing.T) {
	m := RegisterModel.ToModel()
	for _, h := range [][]porcupine.Operation{
		{
			{ClientId: 0, Input: Input{Op: "set", Value: "a"}, Call: 0, Output: Output{Unknown: true}, Return: math.MaxInt64},
			{ClientId: 1, Input: Input{Op: "get"}, Call: 2, Output: Output{Value: "a"}, Return: 3},
		},
		{
			{ClientId: 0, Input: Input{Op: "set", Value: "a"}, Call: 0, Output: Output{Unknown: true}, Return: math.MaxInt64},
			{ClientId: 1, Input: Input{Op: "get"}, Call: 2, Output: Output{Value: ""}, Return: 3},
		},
		{
			{ClientId: 0, Input: Input{Op: "set", Value: "a"}, Call: 0, Output: Output{}, Return: 1},
			{ClientId: 1, Input: Input{Op: "cas", Value: "b", Expected: "a"}, Call: 2, Output: Output{OK: true}, Return: 3},
			{ClientId: 2, Input: Input{Op: "cas", Value: "c", Expected: "a"}, Call: 4, Output: Output{OK: false}, Return: 5},
			{ClientId: 2, Input: Input{Op: "get"}, Call: 6, Output: Output{Value: "b"}, Return: 7},
		},
	} {
		if !porcupine.CheckOperations(m, h) {
			t.Fatalf("refused %+v", h)
		}
	}
}
