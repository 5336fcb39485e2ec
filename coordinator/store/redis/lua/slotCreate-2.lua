--[[
  Creates a reboot group on first use without taking a slot: what locksmith's create of its
  semaphore key becomes (coordinator/etcd/). The group gets the defaults and is marked `auto`, as
  one a pre-reboot creates (slotApply-6.lua); the caller had slotAdmit-2.lua admit it under the cap
  first.

  KEYS[1] config    hash   group configuration (`rev` the change counter)
  KEYS[2] history   list   JSON events, newest first

  ARGV[1] now (ms)
  ARGV[2] default max     ARGV[3] default lease seconds     ARGV[4] default lease policy
  ARGV[5] history cap

  Output: ReplyCode.ok created
          ReplyCode.exists the group exists already (nothing changed)
  Events: create (rev 1).
]]
--@include replyCodes.lua
--@include addEvent.lua

local configKey, historyKey = KEYS[1], KEYS[2]
if redis.call('EXISTS', configKey) == 1 then return ReplyCode.exists end
redis.call('HSET', configKey, 'max', ARGV[2], 'paused', '0', 'leaseSeconds', ARGV[3], 'leasePolicy', ARGV[4],
  'windows', '[]', 'epoch', '1', 'fence', '0', 'rev', '0', 'createdAt', ARGV[1], 'updatedAt', ARGV[1], 'auto', '1')
addEvent(historyKey, {at = tonumber(ARGV[1]), event = 'create', by = 'node', max = tonumber(ARGV[2]), detail = 'created on first use'}, tonumber(ARGV[5]))
bumpRevision(configKey)
return ReplyCode.ok
