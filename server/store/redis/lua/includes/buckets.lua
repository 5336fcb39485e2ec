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

  The unknown-version cap (same file, same way): fields 'v/<version>' -> instances tallied under
  that unknown version, 'v' -> how many versions the tally holds. The instance hash names the
  version the instance is tallied under (field 'uv'), since a version may be published meanwhile.

  capVersion(countersKey, prefixes, version, oldTallied, cap, other) -> prefixes, tallied version
  `version` ('' for a package or `other`) keeps its prefixes when it is the one the instance is
  tallied under (`oldTallied`), is tallied, or fewer than `cap` are tallied; otherwise prefixes
  ending in '/<version>' end in '/<other>' instead, and nothing is tallied (nil).

  moveVersion(countersKey, old, new)
  Moves one instance between the tallies of the unknown versions `old` and `new` (either may be nil).
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

local function capVersion(countersKey, prefixes, version, oldTallied, cap, other)
  if version == '' then return prefixes, nil end
  if version == oldTallied or redis.call('HEXISTS', countersKey, 'v/' .. version) == 1
    or tonumber(redis.call('HGET', countersKey, 'v') or '0') < cap then
    return prefixes, version
  end
  local suffix = '/' .. version
  local out = {}
  for p in string.gmatch(prefixes, '[^,]+') do
    if #p >= #suffix and string.sub(p, -#suffix) == suffix then p = string.sub(p, 1, #p - #version) .. other end
    out[#out + 1] = p
  end
  return table.concat(out, ','), nil
end

local function moveVersion(countersKey, old, new)
  if old == new then return end
  if old then
    local n = redis.call('HINCRBY', countersKey, 'v/' .. old, -1)
    if n <= 0 then redis.call('HDEL', countersKey, 'v/' .. old) end
    if n == 0 and redis.call('HINCRBY', countersKey, 'v', -1) <= 0 then redis.call('HDEL', countersKey, 'v') end
  end
  if new and redis.call('HINCRBY', countersKey, 'v/' .. new, 1) == 1 then
    redis.call('HINCRBY', countersKey, 'v', 1)
  end
end
