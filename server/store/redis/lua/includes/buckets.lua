--[[
  bucketSet(prefixes, status) -> { ['<prefix>|<status>'] = true, ... }
  `prefixes` is the comma-separated counter prefix list stored in the instance hash (field cp);
  an empty or missing list gives an empty set.

  moveBuckets(countersKey, old, new)
  Decrements buckets only in `old` (deleting a bucket that reaches 0) and increments buckets only
  in `new`, so each bucket counts each instance at most once.
]]
local function bucketSet(prefixes, status)
  local set = {}
  if prefixes and status then
    for p in string.gmatch(prefixes, '[^,]+') do
      set[p .. '|' .. status] = true
    end
  end
  return set
end

local function moveBuckets(countersKey, old, new)
  for b in pairs(old) do
    if not new[b] then
      if redis.call('HINCRBY', countersKey, b, -1) <= 0 then
        redis.call('HDEL', countersKey, b)
      end
    end
  end
  for b in pairs(new) do
    if not old[b] then
      redis.call('HINCRBY', countersKey, b, 1)
    end
  end
end
