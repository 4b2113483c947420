-- The parts of luasocket 3.0's socket module written in Lua terms:
-- exceptions (try, newtry, protect) and choose. Our own code; the chunk
-- returns functions that complete the modules built in Go.
local extra = {}

function extra.socket(socket)
    -- An error raised by try is wrapped in a table so that protect can
    -- tell it from other errors, as luasocket does.
    local tryMeta = {}

    function socket.newtry(finalizer)
        return function(...)
            local ok = ...
            if ok then return ... end
            if finalizer then finalizer() end
            error(setmetatable({ (select(2, ...)) }, tryMeta), 0)
        end
    end

    socket.try = socket.newtry()

    function socket.protect(fn)
        return function(...)
            local results = { pcall(fn, ...) }
            if results[1] then return unpack(results, 2, table.maxn(results)) end
            local err = results[2]
            if type(err) == 'table' and getmetatable(err) == tryMeta then
                return nil, err[1]
            end
            error(err, 0)
        end
    end

    function socket.choose(table)
        return function(name, opt1, opt2)
            if type(name) ~= 'string' then
                name, opt1, opt2 = 'default', name, opt1
            end
            local f = table[name or 'nil']
            if not f then error('unknown key (' .. tostring(name) .. ')', 3) end
            return f(opt1, opt2)
        end
    end
end

return extra
