--[[
  Forgets one instance when its last check is still older than the cutoff: its hash, history,
  index entry, counter contributions (its '<prefix>|stale' buckets while it is stale) and its place in progress (its group's grants of the period
  stay: the grant was made).
  Input:
    KEYS[1] instance index sorted set
    KEYS[2] counters hash (with the unknown-track and unknown-version tallies: see buckets.lua)
    KEYS[3] instance hash (fields s status, cp counter prefixes, uv tallied version, pg the group it
            is in progress in, sf present while stale)
    KEYS[4] instance history list
    KEYS[5] progress sorted set (machine id of each node in progress scored by its grant time)
    KEYS[6] progress counts hash (group -> nodes in progress in it)
    ARGV[1] machine id
    ARGV[2] cutoff: removed only when lastCheck < cutoff
  Output:
    ReplyCode.ok     removed
    ReplyCode.none   kept (checked in since, or already gone)
]]
--@include replyCodes.lua
--@include buckets.lua
--@include progress.lua
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) >= tonumber(ARGV[2]) then return ReplyCode.none end
local cur = redis.call('HMGET', KEYS[3], 's', 'cp', 'uv', 'pg', 'sf')
local counted = cur[1]
if cur[5] then counted = 'stale' end
moveBuckets(KEYS[2], bucketSet(cur[2], counted), {})
moveTrack(KEYS[2], cur[2], nil, nil)
moveVersion(KEYS[2], cur[3] or nil, nil)
if cur[4] then leaveProgress(KEYS[5], KEYS[6], ARGV[1], cur[4]) end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[1], ARGV[1])
return ReplyCode.ok
