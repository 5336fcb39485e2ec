--[[
  appendHistory(histKey, entries, cap)
  Appends compact history entries ('<repeat>,<at>,<identity>', oldest first, already folded among
  themselves) to a list kept newest first: the first folds into the newest stored entry when their
  identities match (the repeats add up, its time becomes the new one), the rest are pushed, and
  at most `cap` entries are kept. The rule is editHistory in server/domain/apply-check-in.ts.
]]
local function appendHistory(histKey, entries, cap)
  if #entries == 0 then return end
  local push = 1
  local top = redis.call('LINDEX', histKey, 0)
  if top then
    local topRepeat, _, topIdentity = string.match(top, '^([^,]*),([^,]*),(.*)$')
    local r, at, identity = string.match(entries[1], '^([^,]*),([^,]*),(.*)$')
    if identity == topIdentity then
      redis.call('LSET', histKey, 0, tostring(tonumber(topRepeat) + tonumber(r)) .. ',' .. at .. ',' .. identity)
      push = 2
    end
  end
  if #entries >= push then
    redis.call('LPUSH', histKey, unpack(entries, push))
    redis.call('LTRIM', histKey, 0, tonumber(cap) - 1)
  end
end
