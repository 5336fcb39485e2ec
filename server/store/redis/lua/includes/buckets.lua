--[[
  bucketSet(prefixes, status) -> { ['<prefix>|<status>'] = true, ... }
  `prefixes` is the comma-separated counter prefix list stored in the instance hash (field cp);
  an empty or missing list gives an empty set.

  moveBuckets(countersKey, old, new)
  Decrements buckets only in `old` (deleting a bucket that reaches 0) and increments buckets only
  in `new`, so each bucket counts each instance at most once.

  The unknown-track cap (rule in server/domain/counters.ts, carried out the same way by the
  embedded store): the counters hash also tallies, in fields without '|', the instances counted
  under each unknown track but the overflow one ('u/?<track>' -> instances) and how many tracks
  the tally holds ('u' -> tracks).

  unknownTrack(prefixes) -> '?<track>' of the first 'g/?<track>/...' prefix in the list, or nil

  capTrack(countersKey, oldPrefixes, newPrefixes, cap, overflow) -> prefixes to count under
  Keeps an unknown track the instance already has or that is tallied, admits a new one while fewer
  than `cap` are tallied, and otherwise replaces it with `overflow`.

  moveTrack(countersKey, oldPrefixes, newPrefixes, overflow)
  Moves one instance between the tallies of its old and new unknown tracks (`overflow` and a track
  missing from the tally are not tallied; `overflow` may be nil when nothing is added).
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

local function unknownTrack(prefixes)
  for p in string.gmatch(prefixes or '', '[^,]+') do
    local track = string.match(p, '^g/(%?[^/|,]*)/')
    if track then return track end
  end
  return nil
end

local function capTrack(countersKey, oldPrefixes, newPrefixes, cap, overflow)
  local track = unknownTrack(newPrefixes)
  if not track or track == overflow or track == unknownTrack(oldPrefixes) then return newPrefixes end
  if redis.call('HEXISTS', countersKey, 'u/' .. track) == 1 then return newPrefixes end
  if tonumber(redis.call('HGET', countersKey, 'u') or '0') < cap then return newPrefixes end
  local from = 'g/' .. track .. '/'
  local out = {}
  for p in string.gmatch(newPrefixes, '[^,]+') do
    if string.sub(p, 1, #from) == from then p = 'g/' .. overflow .. string.sub(p, #from) end
    out[#out + 1] = p
  end
  return table.concat(out, ',')
end

local function moveTrack(countersKey, oldPrefixes, newPrefixes, overflow)
  local old, new = unknownTrack(oldPrefixes), unknownTrack(newPrefixes)
  if old == new then return end
  if old then
    local n = redis.call('HINCRBY', countersKey, 'u/' .. old, -1)
    if n <= 0 then redis.call('HDEL', countersKey, 'u/' .. old) end
    if n == 0 and redis.call('HINCRBY', countersKey, 'u', -1) <= 0 then redis.call('HDEL', countersKey, 'u') end
  end
  if new and new ~= overflow and redis.call('HINCRBY', countersKey, 'u/' .. new, 1) == 1 then
    redis.call('HINCRBY', countersKey, 'u', 1)
  end
end
