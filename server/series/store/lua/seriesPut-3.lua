--[[
  Records one scope's point of a snapshot: its minute point and the hour's point, each replacing
  the step's point unless that one came from a later snapshot. Members are `<taken>:<counts>`
  scored by the step's start, so a step holds one member and equal counts at two steps stay two.
  Input:
    KEYS[1] the app's scopes hash (scope -> last minute with nodes)
    KEYS[2] the scope's minute points (sorted set)
    KEYS[3] the scope's hour points (sorted set)
    ARGV[1] scope
    ARGV[2] the snapshot's minute (ms), also its `taken`
    ARGV[3] the hour holding that minute (ms)
    ARGV[4] the counts ('' when the scope has no node)
    ARGV[5] most scopes recorded per app
  Output:
    ReplyCode.ok          recorded
    ReplyCode.none        a scope never recorded and without nodes: nothing written
    ReplyCode.capReached  a new scope while the app has as many as the cap: nothing written
]]
--@include replyCodes.lua
local known = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if not known then
  if ARGV[4] == '' then return ReplyCode.none end
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return ReplyCode.capReached end
end
local taken = tonumber(ARGV[2])
if ARGV[4] ~= '' then
  local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
  if taken > last then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
end
local member = ARGV[2] .. ':' .. ARGV[4]
local function put(key, at)
  local old = redis.call('ZRANGEBYSCORE', key, at, at)
  for _, m in ipairs(old) do
    if tonumber(string.match(m, '^(%d+):') or '0') > taken then return end
  end
  redis.call('ZREMRANGEBYSCORE', key, at, at)
  redis.call('ZADD', key, at, member)
end
put(KEYS[2], ARGV[2])
put(KEYS[3], ARGV[3])
return ReplyCode.ok
