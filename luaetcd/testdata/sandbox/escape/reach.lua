-- Walks every value a sandboxed script can reach (globals, the string
-- metatable, the environments of the functions it finds, metatables that
-- are not protected, the modules require gives) and checks that no
-- function whose name is that of an unsafe one is anything but the
-- sandbox's stand-in, which raises "... not available in the sandbox".
local unsafe = {
  execute = true, exit = true, getenv = true, remove = true, rename = true, tmpname = true,
  setlocale = true, dofile = true, loadfile = true, dump = true, loadlib = true, open = true,
  popen = true, lines = true, input = true, output = true, read = true, write = true,
  tmpfile = true, getinfo = true, getregistry = true, getupvalue = true, setupvalue = true,
  sethook = true, gethook = true, getlocal = true, setlocal = true, tcp = true, udp = true,
  connect = true, bind = true, request = true,
}
-- Safe functions that share a name with an unsafe one.
local safe = { [table.remove] = true }
local seen, found, checked = {}, {}, 0
local function walk(v, path)
  local t = type(v)
  if (t ~= 'table' and t ~= 'function') or seen[v] then return end
  seen[v] = path
  if t == 'function' then
    local ok, env = pcall(getfenv, v)
    if ok then walk(env, 'getfenv(' .. path .. ')') end
    return
  end
  local mt = getmetatable(v)
  if type(mt) == 'table' then walk(mt, 'getmetatable(' .. path .. ')') end
  for k, x in next, v do
    local p = path .. '.' .. tostring(k)
    if type(x) == 'function' and unsafe[k] and not safe[x] then found[#found + 1] = { p, x } end
    walk(k, p .. '<key>')
    walk(x, p)
  end
end
walk(_G, '_G')
walk(getmetatable(''), 'getmetatable("")')
walk(getfenv(0), 'getfenv(0)')
walk(getfenv(1), 'getfenv(1)')
walk(coroutine.running and getfenv(coroutine.create(function() end)) or {}, 'getfenv(co)')
for _, m in ipairs(MODULES or {}) do
  walk(require(m), 'require(' .. m .. ')')
end
local bad = {}
for _, f in ipairs(found) do
  local ok, err = pcall(f[2])
  checked = checked + 1
  err = tostring(err)
  -- The sandbox's stand-ins, and luasocket functions luaetcd never had.
  if ok or not (err:find('not available in the sandbox', 1, true) or err:find('is not provided by luaetcd', 1, true)) then
    bad[#bad + 1] = f[1] .. ': ' .. err
  end
end
assert(#bad == 0, 'reachable unsafe functions:\n' .. table.concat(bad, '\n'))
return checked
