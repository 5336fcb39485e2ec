--[[
  Deletes a webhook with its delivery log and the deliveries in it.
  Input:
    KEYS[1] webhooks hash
    KEYS[2] deliveries hash (id -> JSON)
    KEYS[3] the webhook's log (sorted set of delivery ids)
    ARGV[1] webhook id
  Output:
    ReplyCode.ok       deleted
    ReplyCode.missing  no such webhook
]]
--@include replyCodes.lua
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return ReplyCode.missing end
local ids = redis.call('ZRANGE', KEYS[3], 0, -1)
-- The log is capped (a few hundred ids), so one HDEL call holds them all.
if #ids > 0 then redis.call('HDEL', KEYS[2], unpack(ids)) end
redis.call('DEL', KEYS[3])
return ReplyCode.ok
