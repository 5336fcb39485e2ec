--[[
  The instances a stale sweep looks at next: lastCheck before the cutoff, strictly after the app's
  stale watermark (fields staleAt, staleId of the app hash: the (lastCheck, machine id) every
  instance up to which was looked at; none: from the start), oldest first. Members of equal score
  come in ascending byte order, so the ones to skip at the watermark's score are those <= its id.
  Read only: the caller moves the watermark (staleMark-1.lua) once it marked them.
  Input:
    KEYS[1] instance index sorted set (machine id scored by lastCheck)
    KEYS[2] app hash (fields staleAt, staleId)
    ARGV[1] how many to return
    ARGV[2] cutoff: only lastCheck < cutoff
  Output:
    {machineId, lastCheck, machineId, lastCheck, ...}
]]
--@include compareBytes.lua
--@include skipTied.lua
local indexKey, count, cutoff = KEYS[1], tonumber(ARGV[1]), ARGV[2]
local mark = redis.call('HMGET', KEYS[2], 'staleAt', 'staleId')
local minScore, after = mark[1] or '-inf', mark[2] or ''
local skip = 0
if mark[1] then skip = skipTied(indexKey, minScore, after, false) end
return redis.call('ZRANGEBYSCORE', indexKey, minScore, '(' .. cutoff, 'WITHSCORES', 'LIMIT', skip, count)
