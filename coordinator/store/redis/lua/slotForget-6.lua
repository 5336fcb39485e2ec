--[[
  Forgets one group created on first use once it had no holder and no configuration since a
  cutoff: deletes all of its keys. The forget sweep calls it for the groups that the autoGroups
  index lists as idle since before the cutoff, then hands the answer to slotUnlist-2.lua.

  KEYS[1] config       hash   `auto` = 1 while created on first use and never configured since
  KEYS[2] holders      hash   holder id -> holder record
  KEYS[3] leases       zset   holder id -> lease deadline
  KEYS[4] history      list   JSON events, newest first: the first is the last grant, release or expiry
  KEYS[5] waiting      zset   node id -> last refusal time
  KEYS[6] waitingWhy   hash   node id -> refusal reason

  ARGV[1] now (ms)
  ARGV[2] cutoff (ms): forgotten when its last activity is at or before it

  Output: {ReplyCode.ok} forgotten (or already gone)
          {ReplyCode.configured} configured by an operator (kept for good)
          {ReplyCode.active, its last activity in ms} kept (now while it has a holder, expired or not)
]]
--@include replyCodes.lua
local cfg = redis.call('HMGET', KEYS[1], 'auto', 'createdAt', 'updatedAt')
if not cfg[2] then return {ReplyCode.ok} end
if cfg[1] ~= '1' then return {ReplyCode.configured} end
local now = tonumber(ARGV[1])
if redis.call('HLEN', KEYS[2]) > 0 then return {ReplyCode.active, now} end
local last = math.max(tonumber(cfg[2]), tonumber(cfg[3]))
local newest = redis.call('LINDEX', KEYS[4], 0)
if newest then
  local at = tonumber(cjson.decode(newest).at)
  if at and at > last then last = at end
end
if last > tonumber(ARGV[2]) then return {ReplyCode.active, last} end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return {ReplyCode.ok}
