--[[
  Marks a machine as a canary of the app, or unmarks it. A change appends the activity entry and
  bumps the config epoch (canaries travel with the config); no change writes nothing.
  Input:
    KEYS[1] app hash
    KEYS[2] canaries set (machine ids)
    KEYS[3] activity list
    ARGV[1] machine id
    ARGV[2] '1' to mark, '0' to unmark
    ARGV[3] most canaries per app
    ARGV[4] activity entry JSON
    ARGV[5] activity cap
  Output:
    ReplyCode.ok        changed
    ReplyCode.exists    nothing to change
    ReplyCode.missing   no such app
    ReplyCode.full      the app has the most canaries already (nothing written)
]]
--@include replyCodes.lua
--@include recordChange.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.missing end
local member = redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1
if (ARGV[2] == '1') == member then return ReplyCode.exists end
if ARGV[2] == '1' then
  if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then return ReplyCode.full end
  redis.call('SADD', KEYS[2], ARGV[1])
else
  redis.call('SREM', KEYS[2], ARGV[1])
end
recordChange(KEYS[1], KEYS[3], ARGV[4], ARGV[5])
return ReplyCode.ok
