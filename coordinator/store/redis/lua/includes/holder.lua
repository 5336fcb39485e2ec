-- A holder record in the holders hash is "fencingToken:since:leaseUntil" or, once its lease ran
-- out under policy hold, "fencingToken:since:leaseUntil:expiredAt" (integers, times in ms since the
-- epoch); codec.ts reads it the same way.
-- encodeHolder(fencingToken, since, leaseUntil[, expiredAt]) -> string
-- decodeHolder(record) -> fencingToken, since, leaseUntil, expiredAt (0 when not expired)
local function encodeHolder(fencingToken, since, leaseUntil, expiredAt)
  if expiredAt and expiredAt ~= 0 then return fencingToken .. ':' .. since .. ':' .. leaseUntil .. ':' .. expiredAt end
  return fencingToken .. ':' .. since .. ':' .. leaseUntil
end

local function decodeHolder(record)
  local t, s, l, x = string.match(record, '^(%d+):(%d+):(%d+):?(%d*)$')
  return tonumber(t), tonumber(s), tonumber(l), tonumber(x) or 0
end
