--[[
  Creates or changes a group's configuration in one atomic step and bumps its epoch, so every
  process notices at its next pre-reboot that cached windows are stale. Clears `auto`: a group an
  operator configured is no longer one created on first use, and is never forgotten.

  KEYS[1] config    hash   (`auto` = 1: created on first use, see slotApply-6.lua; `rev` the change counter)
  KEYS[2] history   list   JSON events, newest first

  ARGV[1] now (ms)
  ARGV[2] actor (operator name)
  ARGV[3] 1 = create the group when missing, 0 = answer ReplyCode.missing
  ARGV[4] default max     ARGV[5] default lease seconds     ARGV[6] default lease policy
  ARGV[7] event: configure | pause | resume
  ARGV[8] detail ('' for none)
  ARGV[9] history cap
  ARGV[10..] field, value pairs among max, windows, leaseSeconds, leasePolicy, paused, pauseReason
             (an empty value deletes the field; only pauseReason is ever sent empty)

  Output: the configuration as a flat HGETALL list, or ReplyCode.missing when the group is missing and
          ARGV[3] is 0.
  Events: create (when made here), then configure / pause / resume; each moves `rev` by one.
]]
--@include replyCodes.lua
--@include addEvent.lua

local configKey, historyKey = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])
local cap = tonumber(ARGV[9])
if redis.call('EXISTS', configKey) == 0 then
  if ARGV[3] ~= '1' then return ReplyCode.missing end
  redis.call('HSET', configKey, 'max', ARGV[4], 'paused', '0', 'leaseSeconds', ARGV[5], 'leasePolicy', ARGV[6],
    'windows', '[]', 'epoch', '1', 'fence', '0', 'rev', '0', 'createdAt', ARGV[1], 'updatedAt', ARGV[1])
  addEvent(historyKey, {at = now, event = 'create', by = ARGV[2], max = tonumber(ARGV[4]), detail = 'created by an operator'}, cap)
end
for i = 10, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', configKey, ARGV[i])
  else redis.call('HSET', configKey, ARGV[i], ARGV[i + 1]) end
end
redis.call('HINCRBY', configKey, 'epoch', 1)
redis.call('HSET', configKey, 'updatedAt', ARGV[1])
redis.call('HDEL', configKey, 'auto')
local event = {at = now, event = ARGV[7], by = ARGV[2], max = tonumber(redis.call('HGET', configKey, 'max'))}
if ARGV[8] ~= '' then event.detail = ARGV[8] end
addEvent(historyKey, event, cap)
bumpRevision(configKey)
return redis.call('HGETALL', configKey)
