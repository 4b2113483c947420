-- Shell commands and files: os.execute, io.popen, io.open, os.remove,
-- os.getenv all fail with an error naming the sandbox. (os.exit is
-- tested by the library's tests: the runner gives back its own, which
-- only ends the script.)
local function refused(name, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, name .. ' ran')
  assert(tostring(err):find(name .. ' is not available in the sandbox', 1, true), err)
end
refused('os.execute', os.execute, 'echo escaped > /tmp/luaetcd-escape')
refused('os.remove', os.remove, '/tmp')
refused('os.getenv', os.getenv, 'HOME')
refused('dofile', dofile, '/etc/passwd')
refused('loadfile', loadfile, '/etc/passwd')
refused('io.popen', function(...) return io.popen(...) end, 'id')
refused('io.open', function(...) return io.open(...) end, '/etc/passwd')
refused('io.stdout', function() return io.stdout end)
