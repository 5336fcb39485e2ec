-- expireDue(configKey, holdersKey, leasesKey, historyKey, now, cap): every holder whose lease
-- deadline is <= now is marked expired (policy hold: keeps its slot, its record gains expiredAt)
-- or removed (policy release), dropped from the lease index and written to the history.
-- Needs addEvent and holder. Returns a list of {id, fencingToken, since, leaseUntil, freed (1|0), now},
-- at most 100 per call.
local function expireDue(configKey, holdersKey, leasesKey, historyKey, now, cap)
  local due = redis.call('ZRANGEBYSCORE', leasesKey, '-inf', now, 'LIMIT', 0, 100)
  local out = {}
  if #due == 0 then return out end
  local freed = redis.call('HGET', configKey, 'leasePolicy') == 'release'
  for _, id in ipairs(due) do
    redis.call('ZREM', leasesKey, id)
    local raw = redis.call('HGET', holdersKey, id)
    if raw then
      local fencingToken, since, leaseUntil = decodeHolder(raw)
      if freed then
        redis.call('HDEL', holdersKey, id)
      else
        redis.call('HSET', holdersKey, id, encodeHolder(fencingToken, since, leaseUntil, now))
      end
      addEvent(historyKey, {at = now, event = 'expire', holder = id, token = fencingToken, by = 'lease', freed = freed}, cap)
      out[#out + 1] = {id, fencingToken, since, leaseUntil, freed and 1 or 0, now}
    end
  end
  return out
end
