--[[
  recordChange(appKey, activityKey, activityJson, cap)
  Every release write ends with this: appends the activity entry (newest first, at most `cap`
  kept) and bumps the app's config epoch so check-ins decided on the old config are refused.
]]
local function recordChange(appKey, activityKey, activityJson, cap)
  redis.call('LPUSH', activityKey, activityJson)
  redis.call('LTRIM', activityKey, 0, tonumber(cap) - 1)
  return redis.call('HINCRBY', appKey, 'epoch', 1)
end
