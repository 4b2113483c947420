-- queue.lua: a work queue in an etcd directory, where every job is processed
-- exactly once even with several workers.
--
--   luaetcd --embed scripts/queue.lua [QUEUE [N]]
--   luaetcd --endpoints URL scripts/queue.lua [QUEUE [N]]
--
-- QUEUE (default /queue/jobs) is a directory; N (default 5) jobs are
-- produced. The pattern:
--
--   produce  push(QUEUE, job)                  in-order key, named after the
--                                              etcd index, so keys sort in
--                                              creation order
--   list     readdir(QUEUE), sorted by key     values stay raw JSON text
--   claim    delete(job.key, nil, modifiedIndex)
--                                              compare-and-delete: exactly
--                                              one worker gets 200; the
--                                              others get 404 (already
--                                              taken) or 412 (the job was
--                                              changed since they listed it)
--
-- A worker only processes what it claimed, so a job is never done twice.
-- (Claiming by deleting means a worker that crashes after the claim loses
-- the job; a queue that must survive that moves the job to an "in
-- progress" directory with a TTL instead.)
--
-- The demo runs a producer and two workers in one process, with worker-2
-- working from a listing that worker-1 and the producer have made stale.
-- Job keys carry etcd indexes, so the output shows job ids instead: it is
-- the same on every run. QUEUE is removed before and after the demo.

local cjson = require('cjson')
local Etcd = require('etcd.luasocket')

local queue, n = ...
queue = queue or '/queue/jobs'
n = tonumber(n) or 5

local function must(res, err)
  if res == nil then
    error(err, 2)
  end
  return res
end

-- list returns the jobs in QUEUE, oldest first.
local function list(cli)
  local res = must(cli:readdir(queue))
  if res.status == 404 then
    return {}
  end
  local jobs = {}
  for _, node in ipairs(res.body.node.nodes or {}) do
    if not node.dir then
      jobs[#jobs + 1] = node
    end
  end
  -- etcd returns children in no particular order; in-order keys are
  -- zero-padded, so sorting by key sorts by age.
  table.sort(jobs, function(a, b) return a.key < b.key end)
  return jobs
end

-- claim tries to take job (a node from list) and returns the decoded job,
-- or nil and why not.
local function claim(cli, node)
  local res = must(cli:delete(node.key, nil, node.modifiedIndex))
  if res.status == 200 then
    -- Listings keep the stored JSON text: decode it ourselves.
    return cjson.decode(node.value)
  elseif res.status == 404 then
    return nil, 'already taken'
  elseif res.status == 412 then
    return nil, 'changed since listed'
  end
  error('claim: status ' .. res.status)
end

local processed = {}

-- count says "1 job" / "2 jobs".
local function count(k)
  return k .. (k == 1 and ' job' or ' jobs')
end

-- work claims and processes the jobs of a listing, at most max of them.
local function work(worker, cli, jobs, max)
  local done = 0
  for _, node in ipairs(jobs) do
    if max and done >= max then
      break
    end
    local job, why = claim(cli, node)
    if job then
      done = done + 1
      processed[job.id] = (processed[job.id] or 0) + 1
      print(string.format('%s: job %d: %s', worker, job.id, job.task))
    else
      print(string.format('%s: skip job %d: %s', worker, cjson.decode(node.value).id, why))
    end
  end
end

local producer = assert(Etcd.new())
local w1 = assert(Etcd.new())
local w2 = assert(Etcd.new())

must(producer:rmdir(queue, true))

for i = 1, n do
  local res = must(producer:push(queue, { id = i, task = 'resize image-' .. i .. '.png' }))
  assert(res.status == 201, res.status)
end
print(string.format('producer: pushed %s to %s', count(n), queue))

local l1, l2 = list(w1), list(w2)
print(string.format('worker-1 lists %s, worker-2 lists %s', count(#l1), count(#l2)))

work('worker-1', w1, l1, 3)

-- The producer changes the last job after the workers listed it.
local last = l2[#l2]
must(producer:setx(last.key, { id = n, task = 'resize image-' .. n .. '.png at high quality' }))
print(string.format('producer: updated job %d', n))

-- worker-2's listing is stale now: taken jobs give 404, the changed one 412.
work('worker-2', w2, l2)

-- A fresh listing has the current version of the changed job.
local fresh = list(w2)
print(string.format('worker-2 lists again: %s', count(#fresh)))
work('worker-2', w2, fresh)
print(string.format('queue now holds %s', count(#list(w1))))

local ids = {}
for i = 1, n do
  assert(processed[i] == 1, 'job ' .. i .. ' processed ' .. tostring(processed[i]) .. ' times')
  ids[#ids + 1] = tostring(i)
end
print('processed exactly once: ' .. table.concat(ids, ' '))

must(producer:rmdir(queue, true))
