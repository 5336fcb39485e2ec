-- A holder record in the holders hash is "token:since:leaseUntil" or, once its lease ran out
-- under policy hold, "token:since:leaseUntil:expiredAt" (integers, ms since the epoch).
-- encodeHolder(token, since, leaseUntil[, expiredAt]) -> string
-- decodeHolder(record) -> token, since, leaseUntil, expiredAt (0 when not expired)
local function encodeHolder(token, since, leaseUntil, expiredAt)
  if expiredAt and expiredAt ~= 0 then return token .. ':' .. since .. ':' .. leaseUntil .. ':' .. expiredAt end
  return token .. ':' .. since .. ':' .. leaseUntil
end

local function decodeHolder(record)
  local t, s, l, x = string.match(record, '^(%d+):(%d+):(%d+):?(%d*)$')
  return tonumber(t), tonumber(s), tonumber(l), tonumber(x) or 0
end
