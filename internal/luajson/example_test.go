package luajson_test

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/luaetcd/go-luaetcd/internal/luajson"
)

// run evaluates a Lua expression.
func run(L *lua.LState, expr string) lua.LValue {
	if err := L.DoString("return " + expr); err != nil {
		panic(err)
	}
	defer L.Pop(1)
	return L.Get(-1)
}

func ExampleEncode() {
	L := lua.NewState()
	defer L.Close()
	for _, expr := range []string{
		`'hi'`,
		`"a/b"`,
		`1/3`,
		`1e15`,
		`{}`,
		`{1, 2, nil, 4}`,
		`{1, 2, a = 3}`,
		`{[1] = 1, [20] = 2}`,
		`print`,
	} {
		b, err := luajson.Encode(run(L, expr))
		if err != nil {
			fmt.Printf("%-20s error: %v\n", expr, err)
			continue
		}
		fmt.Printf("%-20s %s\n", expr, b)
	}
	// Output:
	// 'hi'                 "hi"
	// "a/b"                "a\/b"
	// 1/3                  0.33333333333333
	// 1e15                 1e+15
	// {}                   {}
	// {1, 2, nil, 4}       [1,2,null,4]
	// {1, 2, a = 3}        {"1":1,"2":2,"a":3}
	// {[1] = 1, [20] = 2}  error: Cannot serialise table: excessively sparse array
	// print                error: Cannot serialise function: type not supported
}

func ExampleAppendEncode() {
	buf := make([]byte, 0, 64)
	for _, v := range []lua.LValue{lua.LString("/a"), lua.LNumber(4), luajson.Null} {
		var err error
		buf, err = luajson.AppendEncode(buf[:0], v) // reuses buf's memory
		if err != nil {
			panic(err)
		}
		fmt.Println(string(buf))
	}
	// Output:
	// "\/a"
	// 4
	// null
}

func ExampleDecode() {
	L := lua.NewState()
	defer L.Close()
	body := `{"action":"get","node":{"key":"/a","value":"\"hi\"","modifiedIndex":4,"createdIndex":4}}`
	v, err := luajson.Decode(L, []byte(body))
	if err != nil {
		panic(err)
	}
	node := v.(*lua.LTable).RawGetString("node").(*lua.LTable)
	fmt.Println(node.RawGetString("key"), node.RawGetString("value"), node.RawGetString("modifiedIndex"))

	// The value was itself JSON text, as lua-etcd stores it.
	inner, _ := luajson.Decode(L, []byte(node.RawGetString("value").String()))
	fmt.Println(inner)

	_, err = luajson.Decode(L, []byte(`{"a":1 "b":2}`))
	fmt.Println(err)
	// Output:
	// /a "hi" 4
	// hi
	// Expected comma or object end but found T_STRING at character 8
}

func ExampleNull() {
	L := lua.NewState()
	defer L.Close()
	L.SetGlobal("null", luajson.Null)
	v, _ := luajson.Decode(L, []byte(`[1,null,3]`))
	L.SetGlobal("v", v)
	_ = L.DoString(`n, second_is_null = #v, v[2] == null`)
	fmt.Println(L.GetGlobal("n"), L.GetGlobal("second_is_null"))
	b, _ := luajson.Encode(v)
	fmt.Println(string(b))
	// Output:
	// 3 true
	// [1,null,3]
}
