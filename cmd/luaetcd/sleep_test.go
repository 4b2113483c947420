package main

import (
	"syscall"
	"testing"
)

// Ctrl-C ends a script sleeping in socket.sleep (the usual way to pause a
// loop in Lua 5.1), even inside pcall, at once.
func TestSIGINTStopsSocketSleep(t *testing.T) {
	tmp := t.TempDir()
	cmd, stderr := startUntilReady(t, tmp, "-e",
		"local socket = require('socket') print('ready') io.stdout:flush() while true do pcall(socket.sleep, 3600) end")
	stopWith(t, cmd, stderr, syscall.SIGINT)
}
