-- addEvent(historyKey, event, cap): pushes one JSON SlotEvent (a Lua table) onto the group's
-- history list, newest first, and keeps at most `cap` lines.
local function addEvent(historyKey, event, cap)
  redis.call('LPUSH', historyKey, cjson.encode(event))
  redis.call('LTRIM', historyKey, 0, cap - 1)
end
