--[[
  Trims one scope of an app: drops points older than what is kept, and forgets the scope with all
  its points when it had no node since the oldest hour kept (its remaining points are all empty).
  Input:
    KEYS[1] the app's scopes hash (scope -> last minute with nodes)
    KEYS[2] the scope's minute points (sorted set)
    KEYS[3] the scope's hour points (sorted set)
    ARGV[1] scope
    ARGV[2] keep minute points from this step start on (ms)
    ARGV[3] keep hour points from this step start on (ms)
  Output:
    ReplyCode.ok    the scope was forgotten
    ReplyCode.none  the scope is kept (old points dropped)
]]
--@include replyCodes.lua
local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if last < tonumber(ARGV[3]) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2], KEYS[3])
  return ReplyCode.ok
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[3])
return ReplyCode.none
