--[[
  Moves an app's stale watermark (fields staleAt, staleId of the app hash; see staleCandidates-2.lua)
  forward to (lastCheck, machine id); never back, and never on an app that is gone.
  Input:
    KEYS[1] app hash
    ARGV[1] lastCheck
    ARGV[2] machine id ('' for before every machine of that lastCheck)
  Output:
    ReplyCode.ok     moved
    ReplyCode.none   left (no app, or already at or past it)
]]
--@include replyCodes.lua
--@include compareBytes.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.none end
local mark = redis.call('HMGET', KEYS[1], 'staleAt', 'staleId')
if mark[1] then
  local at, to = tonumber(mark[1]), tonumber(ARGV[1])
  if to < at or (to == at and compareBytes(ARGV[2], mark[2] or '') <= 0) then return ReplyCode.none end
end
redis.call('HSET', KEYS[1], 'staleAt', ARGV[1], 'staleId', ARGV[2])
return ReplyCode.ok
