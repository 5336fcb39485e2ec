-- History lines are JSON SlotEvents pushed onto the group's history list, newest first. The list
-- is cut back to `cap` lines once it has grown 64 past it, so most pushes cost one command.
-- pushEvent(historyKey, json, cap): pushes an already encoded line.
-- addEvent(historyKey, event, cap): encodes a Lua table with cjson and pushes it.
-- jsonString(s): s as a JSON string literal (cjson only when it needs escaping).
-- slotEventJson(at, event, holder, fencingToken[, by[, detail]]): the common grant/release line,
-- built directly; `by` defaults to node. Lines store the fencing token as `token` (see
-- coordinator/store/slot-event.ts).
-- bumpRevision(configKey): every line pushed is one change of the group; adds them to the config
-- hash's `rev` (the group's change counter, never 0) once, before the script answers. A group
-- created before `rev` existed has none: it counts as 1, so its first change makes it 2.
local changes = 0

local function pushEvent(historyKey, json, cap)
  changes = changes + 1
  if redis.call('LPUSH', historyKey, json) > cap + 63 then
    redis.call('LTRIM', historyKey, 0, cap - 1)
  end
end

local function addEvent(historyKey, event, cap)
  pushEvent(historyKey, cjson.encode(event), cap)
end

local function jsonString(s)
  if string.find(s, '[^%w%.%-_:]') then return cjson.encode(s) end
  return '"' .. s .. '"'
end

local function slotEventJson(at, event, holder, fencingToken, by, detail)
  local byJson = '"node"'
  if by and by ~= 'node' then byJson = jsonString(by) end
  local json = '{"at":' .. at .. ',"event":"' .. event .. '","holder":' .. jsonString(holder) .. ',"token":' .. fencingToken .. ',"by":' .. byJson
  if detail and detail ~= '' then json = json .. ',"detail":' .. jsonString(detail) end
  return json .. '}'
end

local function bumpRevision(configKey)
  if changes == 0 then return end
  redis.call('HSETNX', configKey, 'rev', 1)
  redis.call('HINCRBY', configKey, 'rev', changes)
  changes = 0
end
