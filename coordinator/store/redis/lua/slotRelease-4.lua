--[[
  Gives a slot back (steady-state, Omaha completion, operator force-unlock) in one atomic step.
  Only the holder's own slot is released; releasing a slot that is not held changes nothing.

  KEYS[1] config     hash   (only checked for existence)
  KEYS[2] holders    hash   holder id -> JSON {t, s, l, x?}
  KEYS[3] leases     zset   holder id -> lease deadline
  KEYS[4] history    list   JSON events, newest first

  ARGV[1] holder id
  ARGV[2] now (ms)
  ARGV[3] event: release | force-unlock
  ARGV[4] by: node | omaha | operator name
  ARGV[5] detail ('' for none)
  ARGV[6] history cap

  Output: {code, payload}:
     1  released   payload = the holder JSON it had
     0  not held
    -1  unknown group
  Events: release or force-unlock.
]]
--@include addEvent.lua

local holdersKey, leasesKey = KEYS[2], KEYS[3]
local id = ARGV[1]
local rec = redis.call('HGET', holdersKey, id)
if not rec then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, ''} end
  return {0, ''}
end
redis.call('HDEL', holdersKey, id)
redis.call('ZREM', leasesKey, id)
local event = {at = tonumber(ARGV[2]), event = ARGV[3], holder = id, token = cjson.decode(rec).t, by = ARGV[4]}
if ARGV[5] ~= '' then event.detail = ARGV[5] end
addEvent(KEYS[4], event, tonumber(ARGV[6]))
return {1, rec}
