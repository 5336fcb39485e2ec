--[[
  Updates the index of groups created on first use after slotForget-6.lua looked at one of them.

  KEYS[1] groups       set    every group name
  KEYS[2] autoGroups   zset   group created on first use -> a lower bound of its last activity (ms)

  ARGV[1] group
  ARGV[2] the cutoff (ms) slotForget-6.lua was given
  ARGV[3] its answer's code: ReplyCode.ok forgotten, ReplyCode.configured configured by an operator,
          ReplyCode.active kept
  ARGV[4] with ReplyCode.active: the group's last activity (ms); else 0

  Output: ReplyCode.ok when the group was taken off both lists, else ReplyCode.none. Forgotten but
          admitted again meanwhile by slotAdmit-2.lua (its entry raised past the cutoff): stays
          listed, the pre-reboot that was admitted creates it anew. Configured: off autoGroups only.
          Active: entry raised to its last activity.
]]
--@include replyCodes.lua
local groupsKey, autoKey, group = KEYS[1], KEYS[2], ARGV[1]
local answer = tonumber(ARGV[3])
local score = redis.call('ZSCORE', autoKey, group)
if not score then return ReplyCode.none end
if answer == ReplyCode.configured then
  redis.call('ZREM', autoKey, group)
  return ReplyCode.none
end
if answer == ReplyCode.ok then
  if tonumber(score) > tonumber(ARGV[2]) then return ReplyCode.none end
  redis.call('ZREM', autoKey, group)
  redis.call('SREM', groupsKey, group)
  return ReplyCode.ok
end
local last = tonumber(ARGV[4])
if tonumber(score) < last then redis.call('ZADD', autoKey, last, group) end
return ReplyCode.none
