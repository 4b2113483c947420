-- ltn12 (LTN12 1.0.3, as luasocket 3.0 ships it): sources, sinks, pumps
-- and filters, the plumbing socket.http uses for bodies. Our own code.
-- A source is a function returning the next chunk, nil at the end, or nil
-- and an error; a sink is called with each chunk, then nil, and returns 1
-- or nil and an error.
local ltn12 = { _VERSION = 'LTN12 1.0.3', BLOCKSIZE = 2048 }
local filter, source, sink, pump = {}, {}, {}, {}
ltn12.filter, ltn12.source, ltn12.sink, ltn12.pump = filter, source, sink, pump

-- filters -------------------------------------------------------------

-- cycle(low, ctx, extra): a filter keeping a context between calls of
-- low(ctx, chunk, extra), which returns the output and the new context.
function filter.cycle(low, ctx, extra)
    return function(chunk)
        local out
        out, ctx = low(ctx, chunk, extra)
        return out
    end
end

-- chain(f1, f2, ...): the output of each filter goes into the next.
function filter.chain(...)
    local filters = { ... }
    return function(chunk)
        for i = 1, #filters do chunk = filters[i](chunk) end
        return chunk
    end
end

-- sources -------------------------------------------------------------

function source.empty()
    return function() return nil end
end

function source.error(err)
    return function() return nil, err end
end

function source.string(s)
    if not s then return source.empty() end
    local pos = 1
    return function()
        local chunk = string.sub(s, pos, pos + ltn12.BLOCKSIZE - 1)
        pos = pos + ltn12.BLOCKSIZE
        if chunk == '' then return nil end
        return chunk
    end
end

function source.file(handle, ioErr)
    if not handle then return source.error(ioErr or 'unable to open file') end
    return function()
        local chunk = handle:read(ltn12.BLOCKSIZE)
        if not chunk then handle:close() end
        return chunk
    end
end

-- simplify(src): a source that may return a replacement source as its
-- second result becomes a plain one.
function source.simplify(src)
    return function()
        local chunk, other = src()
        if not chunk then return nil, other end
        if other then src = other end
        return chunk
    end
end

-- rewind(src): calling the result with a chunk pushes it back.
function source.rewind(src)
    local pushed = {}
    return function(chunk)
        if chunk then
            pushed[#pushed + 1] = chunk
            return
        end
        if #pushed > 0 then return table.remove(pushed) end
        return src()
    end
end

-- chain(src, f): src filtered by f; an empty output while input remains
-- asks src for more.
function source.chain(src, f)
    local finished = false
    return function()
        while not finished do
            local chunk, err = src()
            if err then return nil, err end
            local out = f(chunk)
            if chunk == nil then
                finished = true
                if out == '' then out = nil end
                return out
            end
            if out ~= nil and out ~= '' then return out end
        end
        return nil
    end
end

-- cat(src1, src2, ...): the sources one after the other.
function source.cat(...)
    local sources = { ... }
    local i = 1
    return function()
        while sources[i] do
            local chunk, err = sources[i]()
            if chunk then return chunk end
            if err then return nil, err end
            i = i + 1
        end
        return nil
    end
end

-- sinks ---------------------------------------------------------------

-- table([t]): stores the chunks in t (a new table if none), which is also
-- returned.
function sink.table(t)
    t = t or {}
    return function(chunk)
        if chunk then t[#t + 1] = chunk end
        return 1
    end, t
end

function sink.null()
    return function() return 1 end
end

function sink.error(err)
    return function() return nil, err end
end

function sink.file(handle, ioErr)
    if not handle then return sink.error(ioErr or 'unable to open file') end
    return function(chunk)
        if not chunk then
            handle:close()
            return 1
        end
        return handle:write(chunk)
    end
end

function sink.simplify(snk)
    return function(chunk, err)
        local ok, other = snk(chunk, err)
        if not ok then return nil, other end
        if other then snk = other end
        return 1
    end
end

-- chain(f, snk): chunks go through f before snk.
function sink.chain(f, snk)
    return function(chunk, err)
        if chunk == '' then return 1 end
        local out = f(chunk)
        if out ~= nil and out ~= '' then
            local ok, serr = snk(out, err)
            if not ok then return nil, serr end
        end
        if chunk == nil then return snk(nil, err) end
        return 1
    end
end

-- pumps ---------------------------------------------------------------

function pump.step(src, snk)
    local chunk, srcErr = src()
    local ok, snkErr = snk(chunk, srcErr)
    if chunk and ok then return 1 end
    return nil, srcErr or snkErr
end

function pump.all(src, snk, step)
    step = step or pump.step
    while true do
        local ok, err = step(src, snk)
        if not ok then
            if err then return nil, err end
            return 1
        end
    end
end

return ltn12
