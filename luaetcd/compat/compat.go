package compat

import lua "github.com/yuin/gopher-lua"

// Preload adds util, util.typeof, util.string, util.table, cjson,
// cjson.safe, path, socket, socket.url, socket.http and ltn12 to L's
// package.preload.
func Preload(L *lua.LState) {
	L.PreloadModule("util", loadUtil)
	L.PreloadModule("util.typeof", loadTypeof)
	L.PreloadModule("util.string", loadUtilString)
	L.PreloadModule("util.table", loadUtilTable)
	L.PreloadModule("cjson", loadCjson)
	L.PreloadModule("cjson.safe", loadCjsonSafe)
	L.PreloadModule("path", loadPath)
	L.PreloadModule("socket", loadSocket)
	L.PreloadModule("socket.url", loadSocketURL)
	L.PreloadModule("socket.http", loadSocketHTTP)
	L.PreloadModule("ltn12", loadLtn12)
}
