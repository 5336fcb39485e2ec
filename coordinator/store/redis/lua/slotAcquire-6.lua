--[[
  Takes a reboot slot in a group (FleetLock pre-reboot) in one atomic step.

  KEYS[1] config       hash   group configuration, epoch and fencing counter (`fence`)
  KEYS[2] holders      hash   holder id -> JSON {t, s, l, x?}
  KEYS[3] leases       zset   holder id -> lease deadline (unexpired holders only)
  KEYS[4] history      list   JSON events, newest first
  KEYS[5] waiting      zset   node id -> last refusal time
  KEYS[6] waitingWhy   hash   node id -> refusal reason

  ARGV[1]  holder id
  ARGV[2]  now (ms)
  ARGV[3]  config epoch the caller evaluated the windows with (-1 = none cached)
  ARGV[4]  1 when the caller found a window open at `now` (with that epoch), else 0
  ARGV[5]  1 = create an unknown group with the defaults below, 0 = refuse it
  ARGV[6]  default max        ARGV[7] default lease seconds      ARGV[8] default lease policy
  ARGV[9]  history cap        ARGV[10] waiting cap               ARGV[11] holders listed when full

  Output: {code, payload, expired[, extra]} where expired is the list from expireDue:
     1  granted        payload = holder JSON
     2  already held   payload = holder JSON (recursive lock: nothing changes)
    -1  unknown group
    -2  stale epoch    payload = windows JSON, extra = current epoch (re-evaluate and call again)
    -3  paused         payload = pause reason ('' if none)
    -4  outside window
    -5  full           payload = JSON {max, count, holders = {{id, JSON}...}}
  Events: create (group made on first use), expire, grant.
]]
--@include addEvent.lua
--@include expireDue.lua

local configKey, holdersKey, leasesKey, historyKey, waitingKey, whyKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local id = ARGV[1]
local now = tonumber(ARGV[2])
local historyCap = tonumber(ARGV[9])

local function noteWaiting(reason)
  redis.call('ZADD', waitingKey, now, id)
  redis.call('HSET', whyKey, id, reason)
  local over = redis.call('ZCARD', waitingKey) - tonumber(ARGV[10])
  if over > 0 then
    local popped = redis.call('ZPOPMIN', waitingKey, over)
    for i = 1, #popped, 2 do redis.call('HDEL', whyKey, popped[i]) end
  end
end

if redis.call('EXISTS', configKey) == 0 then
  if ARGV[5] ~= '1' then return {-1, '', {}} end
  redis.call('HSET', configKey, 'max', ARGV[6], 'paused', '0', 'leaseSeconds', ARGV[7], 'leasePolicy', ARGV[8],
    'windows', '[]', 'epoch', '1', 'fence', '0', 'createdAt', ARGV[2], 'updatedAt', ARGV[2])
  addEvent(historyKey, {at = now, event = 'create', by = 'node', max = tonumber(ARGV[6]), detail = 'created on first use'}, historyCap)
end

local expired = expireDue(configKey, holdersKey, leasesKey, historyKey, now, historyCap)

local mine = redis.call('HGET', holdersKey, id)
if mine then return {2, mine, expired} end

local cfg = redis.call('HMGET', configKey, 'epoch', 'paused', 'max', 'leaseSeconds', 'windows', 'pauseReason')
if tonumber(cfg[1]) ~= tonumber(ARGV[3]) then return {-2, cfg[5], expired, cfg[1]} end
if cfg[2] == '1' then
  noteWaiting('paused')
  return {-3, cfg[6] or '', expired}
end
if ARGV[4] ~= '1' then
  noteWaiting('outside-window')
  return {-4, '', expired}
end

local max = tonumber(cfg[3])
local count = redis.call('HLEN', holdersKey)
if count >= max then
  noteWaiting('full')
  local sample = {}
  local want = tonumber(ARGV[11])
  if count <= 64 then
    local all = redis.call('HGETALL', holdersKey)
    for i = 1, #all, 2 do sample[#sample + 1] = {all[i], all[i + 1], cjson.decode(all[i + 1]).s} end
    table.sort(sample, function(a, b) return a[3] < b[3] end)
    for i = #sample, want + 1, -1 do sample[i] = nil end
  else
    local ids = redis.call('ZRANGE', leasesKey, 0, want - 1)
    for _, hid in ipairs(ids) do sample[#sample + 1] = {hid, redis.call('HGET', holdersKey, hid)} end
  end
  local list = {}
  for i, s in ipairs(sample) do list[i] = {s[1], s[2]} end
  return {-5, cjson.encode({max = max, count = count, holders = list}), expired}
end

local token = redis.call('HINCRBY', configKey, 'fence', 1)
local leaseUntil = now + tonumber(cfg[4]) * 1000
local rec = cjson.encode({t = token, s = now, l = leaseUntil})
redis.call('HSET', holdersKey, id, rec)
redis.call('ZADD', leasesKey, leaseUntil, id)
redis.call('ZREM', waitingKey, id)
redis.call('HDEL', whyKey, id)
addEvent(historyKey, {at = now, event = 'grant', holder = id, token = token, by = 'node'}, historyCap)
return {1, rec, expired}
