--[[
  skipTied(indexKey, score, after, newestFirst) -> n
  How many members of the sorted set with exactly `score` come before the first one past `after`,
  in the order a cursor walks them: newest first (ZREVRANGEBYSCORE, equal scores in descending
  byte order) or oldest first (ZRANGEBYSCORE, ascending). Reads the ties 100 at a time. Needs
  compareBytes.lua included before it.
]]
local function skipTied(indexKey, score, after, newestFirst)
  local skip, batch = 0, 100
  while true do
    local tied
    if newestFirst then
      tied = redis.call('ZREVRANGEBYSCORE', indexKey, score, score, 'LIMIT', skip, batch)
    else
      tied = redis.call('ZRANGEBYSCORE', indexKey, score, score, 'LIMIT', skip, batch)
    end
    for i = 1, #tied do
      local order = compareBytes(tied[i], after)
      if (newestFirst and order < 0) or (not newestFirst and order > 0) then return skip end
      skip = skip + 1
    end
    if #tied < batch then return skip end
  end
end
