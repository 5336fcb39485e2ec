--[[
  Adds a delivery to its webhook's log, newest last, and forgets the oldest beyond the cap.
  Input:
    KEYS[1] webhooks hash
    KEYS[2] deliveries hash (id -> JSON)
    KEYS[3] the webhook's log (sorted set of delivery ids scored by seq)
    KEYS[4] seq counter
    ARGV[1] webhook id
    ARGV[2] delivery id
    ARGV[3] delivery JSON
    ARGV[4] deliveries kept per webhook
  Output:
    ReplyCode.ok       added
    ReplyCode.missing  no such webhook (nothing stored)
]]
--@include replyCodes.lua
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return ReplyCode.missing end
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[3], seq, ARGV[2])
local over = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[4])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[3], 0, over - 1)
  redis.call('HDEL', KEYS[2], unpack(old))
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, over - 1)
end
return ReplyCode.ok
