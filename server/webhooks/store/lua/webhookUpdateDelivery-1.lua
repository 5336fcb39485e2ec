--[[
  Changes a delivery's fields: an attempt (counted) or giving up without one.
  Input:
    KEYS[1] deliveries hash (id -> JSON)
    ARGV[1] delivery id
    ARGV[2] JSON object of the fields to set
    ARGV[3] 1: count an attempt (attempts + 1); 0: do not
    ARGV[4] 1: change it only while it is pending; 0: whatever its status
  Output:
    the delivery's JSON after the change
    ReplyCode.missing  no such delivery (trimmed from its log, or its webhook deleted)
    ReplyCode.none     it is no longer pending (nothing changed)
]]
--@include replyCodes.lua
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return ReplyCode.missing end
local d = cjson.decode(raw)
if ARGV[4] == '1' and d.status ~= 'pending' then return ReplyCode.none end
for k, v in pairs(cjson.decode(ARGV[2])) do d[k] = v end
if ARGV[3] == '1' then d.attempts = d.attempts + 1 end
local out = cjson.encode(d)
redis.call('HSET', KEYS[1], ARGV[1], out)
return out
