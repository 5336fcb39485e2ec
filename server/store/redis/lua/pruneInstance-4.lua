--[[
  Forgets one instance when its last check is still older than the cutoff: its hash, history,
  index entry and counter contributions.
  Input:
    KEYS[1] instance index sorted set
    KEYS[2] counters hash (with the unknown-track and unknown-version tallies: see buckets.lua)
    KEYS[3] instance hash
    KEYS[4] instance history list
    ARGV[1] machine id
    ARGV[2] cutoff: removed only when lastCheck < cutoff
  Output:
    ReplyCode.ok     removed
    ReplyCode.none   kept (checked in since, or already gone)
]]
--@include replyCodes.lua
--@include buckets.lua
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) >= tonumber(ARGV[2]) then return ReplyCode.none end
local cur = redis.call('HMGET', KEYS[3], 's', 'cp', 'uv')
moveBuckets(KEYS[2], bucketSet(cur[2], cur[1]), {})
moveTrack(KEYS[2], cur[2], nil, nil)
moveVersion(KEYS[2], cur[3] or nil, nil)
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[1], ARGV[1])
return ReplyCode.ok
