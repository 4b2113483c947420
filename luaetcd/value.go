package luaetcd

import (
	"fmt"

	"github.com/luaetcd/go-luaetcd/internal/luajson"
	lua "github.com/yuin/gopher-lua"
)

// encodeValue turns a Lua value into the text stored in etcd. With the
// default JSON serializer that is the value's JSON (cjson's rules: 'hi' is
// stored as "hi"); with the raw serializer strings are stored as they are
// and numbers as Lua prints them. Errors read "encoding error: \"...\"",
// the message quoted as Lua 5.1's %q does.
func (c *client) encodeValue(v lua.LValue) (string, error) {
	if c.raw {
		switch x := v.(type) {
		case lua.LString:
			return string(x), nil
		case lua.LNumber:
			return x.String(), nil
		}
		return "", encodingError(fmt.Sprintf("raw serializer takes strings and numbers, not %s", v.Type()))
	}
	b, err := luajson.Encode(v)
	if err != nil {
		return "", encodingError(err.Error())
	}
	return string(b), nil
}

// decodeValue turns the text stored in etcd back into a Lua value: JSON
// decoded with cjson's rules, or the string itself with the raw serializer.
func (c *client) decodeValue(L *lua.LState, s string) (lua.LValue, error) {
	if c.raw {
		return lua.LString(s), nil
	}
	return luajson.Decode(L, []byte(s))
}

func encodingError(msg string) error {
	return errArg("encoding error: " + quoteLua(msg))
}

// quoteLua quotes s as Lua 5.1's string.format('%q', s) does.
func quoteLua(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '"', '\\', '\n':
			b = append(b, '\\', ch)
		case '\r':
			b = append(b, '\\', 'r')
		case 0:
			b = append(b, '\\', '0', '0', '0')
		default:
			b = append(b, ch)
		}
	}
	return string(append(b, '"'))
}
