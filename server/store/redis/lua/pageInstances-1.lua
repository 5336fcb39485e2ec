--[[
  One page of the instance index, newest lastCheck first, resuming strictly after a cursor.
  Members of equal score come in descending byte order, so the ones to skip at the cursor's
  score are those >= the cursor's machine id. Read only.
  Input:
    KEYS[1] instance index sorted set
    ARGV[1] how many to return
    ARGV[2] cursor lastCheck, '+inf' for the first page
    ARGV[3] cursor machine id, '' for the first page
  Output:
    {machineId, lastCheck, machineId, lastCheck, ...}
]]
--@include compareBytes.lua
--@include skipTied.lua
local indexKey, count, maxScore, after = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3]
local skip = 0
if after ~= '' then skip = skipTied(indexKey, maxScore, after, true) end
return redis.call('ZREVRANGEBYSCORE', indexKey, maxScore, '-inf', 'WITHSCORES', 'LIMIT', skip, count)
