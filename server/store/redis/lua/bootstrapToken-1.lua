--[[
  Adds the first token: only when no token exists at all (two processes starting together on one
  Redis cannot both succeed).
  Input:
    KEYS[1] tokens hash (token hash -> token JSON)
    ARGV[1] token hash
    ARGV[2] token JSON
  Output:
    ReplyCode.ok       added
    ReplyCode.exists   a token exists already (nothing written)
]]
--@include replyCodes.lua
if redis.call('HLEN', KEYS[1]) > 0 then return ReplyCode.exists end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ReplyCode.ok
