-- Assertion helpers for the etcd test scripts. Each raises with a message
-- that says what was expected, so a failing script points at its line.
local M = {}

local function show(v)
    if type(v) == 'string' then
        return string.format('%q', v)
    end
    return tostring(v)
end

function M.eq(got, want, what)
    if got ~= want then
        error((what or 'value') .. ': got ' .. show(got) .. ', want ' .. show(want), 2)
    end
end

function M.ok(cond, what)
    if not cond then
        error('not true: ' .. (what or '?'), 2)
    end
end

-- M.err(want, f, ...) calls f and expects nil, want.
function M.err(want, f, ...)
    local v, err = f(...)
    if v ~= nil or err ~= want then
        error('want nil, ' .. show(want) .. '; got ' .. show(v) .. ', ' .. show(err), 2)
    end
end

-- M.status(ent, err, want) checks a call's entity status.
function M.status(ent, err, want, what)
    if ent == nil then
        error((what or 'call') .. ': got error ' .. show(err) .. ', want status ' .. want, 2)
    end
    if ent.status ~= want then
        local body = ent.body
        if type(body) == 'table' then
            body = tostring(body.message) .. ' ' .. tostring(body.cause)
        end
        error((what or 'call') .. ': status ' .. show(ent.status) .. ', want ' .. want .. ' (' .. show(body) .. ')', 2)
    end
    return ent
end

-- M.nosend(f, ...) checks that f sends no request (request_count() is
-- the number of requests the backend under test has been asked).
function M.nosend(f, ...)
    local before = request_count()
    local r = { f(...) }
    if request_count() ~= before then
        error('a request was sent', 2)
    end
    return unpack(r)
end

-- M.opts(opts) fills in what the test harness gives every client: OPTS,
-- the options that select and reach the backend under test (the host,
-- for the v2 backend), and the script's PREFIX.
function M.opts(opts)
    opts = opts or {}
    for k, v in pairs(OPTS) do
        if opts[k] == nil then opts[k] = v end
    end
    if opts.prefix == nil then opts.prefix = PREFIX end
    return opts
end

function M.client(opts)
    local cli, err = require('etcd.luasocket').new(M.opts(opts))
    if not cli then error('new: ' .. tostring(err), 2) end
    return cli
end

return M
