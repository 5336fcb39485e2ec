--[[
  Creates an app: its hash (name, createdAt, epoch 1) and its first activity entry.
  Input:
    KEYS[1] app hash
    KEYS[2] activity list
    ARGV[1] name
    ARGV[2] createdAt (ms)
    ARGV[3] activity entry JSON
    ARGV[4] activity cap
  Output:
    ReplyCode.ok       created
    ReplyCode.exists   the app exists (nothing written)
]]
--@include replyCodes.lua
--@include recordChange.lua
if redis.call('EXISTS', KEYS[1]) == 1 then return ReplyCode.exists end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'createdAt', ARGV[2], 'epoch', 0)
recordChange(KEYS[1], KEYS[2], ARGV[3], ARGV[4])
return ReplyCode.ok
