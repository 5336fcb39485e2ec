--[[
  Admits a group that a pre-reboot is about to create on first use, within the cap on such groups.
  The cap is decided here, in one atomic step over the coordinator's own keys, so it holds across
  processes; slotApply-6.lua then creates the group on the group's keys (each script stays within
  one Cluster hash slot).

  KEYS[1] groups       set    every group name
  KEYS[2] autoGroups   zset   group created on first use -> a lower bound of its last activity (ms)

  ARGV[1] group
  ARGV[2] now (ms)
  ARGV[3] the cap: at most this many groups in autoGroups

  Output: ReplyCode.ok admitted: listed in both (a group autoGroups already holds has its activity
          raised to now, so a forget sweep running meanwhile leaves it listed; a group listed in
          groups only is an operator's and is left as it is)
          ReplyCode.capReached refused: the cap is reached
]]
--@include replyCodes.lua
local groupsKey, autoKey = KEYS[1], KEYS[2]
local group, now = ARGV[1], tonumber(ARGV[2])
local seen = redis.call('ZSCORE', autoKey, group)
if seen then
  if tonumber(seen) < now then redis.call('ZADD', autoKey, now, group) end
  return ReplyCode.ok
end
if redis.call('SISMEMBER', groupsKey, group) == 1 then return ReplyCode.ok end
if redis.call('ZCARD', autoKey) >= tonumber(ARGV[3]) then return ReplyCode.capReached end
redis.call('SADD', groupsKey, group)
redis.call('ZADD', autoKey, now, group)
return ReplyCode.ok
