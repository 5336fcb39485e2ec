--[[
  Marks one instance stale when its last check is still older than the cutoff and it is not stale
  yet: it keeps its status and every other field, gains the flag sf, and its counters move from
  '<prefix>|<status>' to '<prefix>|stale' for every stored prefix (the tallies stay). The rule is
  markStale in server/domain/apply-check-in.ts; tests/store/model.test.ts holds this script to it.
  Its next check-in (applyCheckIn-8.lua) moves it back and clears the flag.
  Input:
    KEYS[1] instance index sorted set (machine id scored by lastCheck)
    KEYS[2] instance hash (fields s status, cp counter prefixes, sf present while stale)
    KEYS[3] counters hash
    ARGV[1] machine id
    ARGV[2] cutoff: marked only when lastCheck < cutoff
  Output:
    ReplyCode.ok     marked
    ReplyCode.none   left alone (checked in since, already stale, or gone)
]]
--@include replyCodes.lua
--@include buckets.lua
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) >= tonumber(ARGV[2]) then return ReplyCode.none end
local cur = redis.call('HMGET', KEYS[2], 's', 'cp', 'sf')
if not cur[1] or cur[3] then return ReplyCode.none end
redis.call('HSET', KEYS[2], 'sf', '1')
moveBuckets(KEYS[3], bucketSet(cur[2], cur[1]), bucketSet(cur[2], 'stale'))
return ReplyCode.ok
