--[[
  Updates the index of groups created on first use after slotForget-6.lua looked at one of them.

  KEYS[1] groups       set    every group name
  KEYS[2] autoGroups   zset   group created on first use -> a lower bound of its last activity (ms)

  ARGV[1] group
  ARGV[2] the cutoff (ms) slotForget-6.lua was given
  ARGV[3] its answer: 0 forgotten, -1 configured by an operator, otherwise the last activity (ms)

  Output: 1 when the group was taken off both lists, else 0. Forgotten but admitted again meanwhile
          by slotAdmit-2.lua (its entry raised past the cutoff): stays listed, the pre-reboot that
          was admitted creates it anew. Configured: off autoGroups only. Active: entry raised.
]]
local groupsKey, autoKey, group = KEYS[1], KEYS[2], ARGV[1]
local answer = tonumber(ARGV[3])
local score = redis.call('ZSCORE', autoKey, group)
if not score then return 0 end
if answer == -1 then
  redis.call('ZREM', autoKey, group)
  return 0
end
if answer == 0 then
  if tonumber(score) > tonumber(ARGV[2]) then return 0 end
  redis.call('ZREM', autoKey, group)
  redis.call('SREM', groupsKey, group)
  return 1
end
if tonumber(score) < answer then redis.call('ZADD', autoKey, answer, group) end
return 0
