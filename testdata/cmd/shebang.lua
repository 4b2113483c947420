#!/usr/bin/env luaetcd
print("shebang ok")
error("line three")
