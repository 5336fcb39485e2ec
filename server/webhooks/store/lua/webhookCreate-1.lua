--[[
  Stores a new webhook unless as many as the cap exist already.
  Input:
    KEYS[1] webhooks hash (id -> JSON)
    ARGV[1] webhook id
    ARGV[2] webhook JSON
    ARGV[3] most webhooks allowed
  Output:
    ReplyCode.ok          stored
    ReplyCode.capReached  the cap is reached (nothing stored)
]]
--@include replyCodes.lua
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return ReplyCode.capReached end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ReplyCode.ok
