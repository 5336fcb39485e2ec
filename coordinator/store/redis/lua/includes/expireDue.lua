-- expireDue(configKey, holdersKey, leasesKey, historyKey, now, cap): every holder whose lease
-- deadline is <= now is marked expired (policy hold: keeps its slot, record gains x = now) or
-- removed (policy release), dropped from the lease index and written to the history.
-- Needs addEvent. Returns a list of {id, token, since, leaseUntil, freed (1|0)}, at most 100 per call.
local function expireDue(configKey, holdersKey, leasesKey, historyKey, now, cap)
  local due = redis.call('ZRANGEBYSCORE', leasesKey, '-inf', now, 'LIMIT', 0, 100)
  local out = {}
  if #due == 0 then return out end
  local freed = redis.call('HGET', configKey, 'leasePolicy') == 'release'
  for _, id in ipairs(due) do
    redis.call('ZREM', leasesKey, id)
    local raw = redis.call('HGET', holdersKey, id)
    if raw then
      local h = cjson.decode(raw)
      if freed then
        redis.call('HDEL', holdersKey, id)
      else
        h.x = now
        redis.call('HSET', holdersKey, id, cjson.encode(h))
      end
      addEvent(historyKey, {at = now, event = 'expire', holder = id, token = h.t, by = 'lease', freed = freed}, cap)
      out[#out + 1] = {id, h.t, h.s, h.l, freed and 1 or 0}
    end
  end
  return out
end
