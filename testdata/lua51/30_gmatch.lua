-- string.gmatch returns a plain iterator function: it can be called
-- directly, stored, and called after the loop that made it.
print(('/kresd/net/127.0.0.1'):gmatch('([^/]+)/([^/]+)$')())
local it = ('a b c'):gmatch('%a')
print(it(), it(), it(), it())
print(select('#', it()))
print(('x=1'):gmatch('(%w+)=(%w+)')())
print(('no match'):gmatch('%d')())
print(('abc'):gmatch('()b()')())
print(type(string.gmatch('a', 'a')))
for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do print(k, v) end
for w in string.gmatch('one two', '%a+') do print(w) end
local words = {}
for w in ('the quick  fox'):gmatch('%S+') do words[#words + 1] = w end
print(#words, table.concat(words, '|'))
-- an iterator ignores the arguments the for loop passes
local f = ('1,2'):gmatch('%d')
print(f(nil, nil), f('x', 42))
print("[KD6]", pcall(string.gmatch))
