-- Run through LUA_INIT=@file in the runner's tests.
init_ran = "from init file"
