--[[
  Takes and gives back reboot slots of one group: a batch of pre-reboot / steady-state /
  force-unlock calls that arrived together, applied one after the other in one atomic step. Each
  call is decided exactly as if it came alone (see coordinator/domain/decide.ts).

  KEYS[1] config       hash   group configuration, epoch, last fencing token (`fence`), change counter (`rev`),
                              `auto` (created on first use)
  KEYS[2] holders      hash   holder id -> "fencingToken:since:leaseUntil[:expiredAt]" (includes/holder.lua)
  KEYS[3] leases       zset   holder id -> lease deadline (unexpired holders only)
  KEYS[4] history      list   JSON events, newest first
  KEYS[5] waiting      zset   node id -> last refusal time
  KEYS[6] waitingWhy   hash   node id -> refusal reason (full | paused | outside-window)

  ARGV[1]  config epoch the caller evaluated windows with (-1 = none cached)
  ARGV[2]  1 = a pre-reboot may create the missing group with the defaults below, marked `auto` (the
           caller had slotAdmit-2.lua admit it under the cap first), 0 = answer {ReplyCode.missing} for it
  ARGV[3]  default max        ARGV[4] default lease seconds      ARGV[5] default lease policy
  ARGV[6]  history cap        ARGV[7] waiting cap                ARGV[8] holders listed when full
  ARGV[9..] the calls, each a kind followed by its arguments:
           pre-reboot id now deadline       deadline = now + leaseSeconds of the cached config (the
                                            epoch check makes it current), 0 when no window is open
           steady-state id now              release by the node itself
           release id now by detail         release by someone else (omaha, an operator)
           force-unlock id now by detail    release by an operator who takes the slot away

  Output: {ReplyCode.ok, replies, expired} with one reply per call, in order:
       pre-reboot:  {ReplyCode.ok, fencingToken} granted (since = now, lease until = the deadline sent)
                    {ReplyCode.held, holder record} already held (nothing changes)
                    {ReplyCode.missing} unknown group   {ReplyCode.paused, reason}   {ReplyCode.outsideWindow}
                    {ReplyCode.full, max, count, sample JSON [[id, holder record]...]}
       releases:    {ReplyCode.ok, the holder record it had} released   {ReplyCode.none} not held
                    {ReplyCode.missing} unknown group
     and expired = {id, fencingToken, since, leaseUntil, freed (1|0), processed at} for every lease processed on the way;
     or {ReplyCode.staleConfig, windows JSON, lease seconds, epoch} when ARGV[1] is stale and the batch has a pre-reboot
     (nothing applied but a group creation): the caller re-evaluates windows and sends the batch again.
  Events: create, expire, grant, release, force-unlock; each moves the group's `rev` by one.
]]
--@include replyCodes.lua
--@include addEvent.lua
--@include holder.lua
--@include expireDue.lua

local configKey, holdersKey, leasesKey, historyKey, waitingKey, whyKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local FIRST = 9
local WIDTH = {['pre-reboot'] = 4, ['steady-state'] = 3, release = 5, ['force-unlock'] = 5}
local historyCap = tonumber(ARGV[6])
local waitingCap = tonumber(ARGV[7])

local hasPreReboot, calls = false, 0
local i = FIRST
while i <= #ARGV do
  if ARGV[i] == 'pre-reboot' then hasPreReboot = true end
  calls = calls + 1
  i = i + WIDTH[ARGV[i]]
end

-- releaseOne(i): gives back the slot of the release call at ARGV[i] if that node holds one;
-- returns the holder record it had, or nil.
local function releaseOne(i)
  local kind, id = ARGV[i], ARGV[i + 1]
  local rec = redis.call('HGET', holdersKey, id)
  if not rec then return nil end
  redis.call('HDEL', holdersKey, id)
  redis.call('ZREM', leasesKey, id)
  local by, detail = nil, nil
  if kind ~= 'steady-state' then by, detail = ARGV[i + 3], ARGV[i + 4] end
  local event = (kind == 'force-unlock') and 'force-unlock' or 'release'
  pushEvent(historyKey, slotEventJson(ARGV[i + 2], event, id, string.match(rec, '^%d+'), by, detail), historyCap)
  return rec
end

if not hasPreReboot then
  -- Releases only: the configuration matters only to tell "not held" from "unknown group".
  local replies, groupExists = {}, nil
  i = FIRST
  while i <= #ARGV do
    local rec = releaseOne(i)
    if rec then
      replies[#replies + 1] = {ReplyCode.ok, rec}
    else
      if groupExists == nil then groupExists = redis.call('EXISTS', configKey) == 1 end
      replies[#replies + 1] = {groupExists and ReplyCode.none or ReplyCode.missing}
    end
    i = i + WIDTH[ARGV[i]]
  end
  bumpRevision(configKey)
  return {ReplyCode.ok, replies, {}}
end

local CONFIG_FIELDS = {'epoch', 'paused', 'max', 'leaseSeconds', 'windows', 'pauseReason', 'fence'}
local cfg = redis.call('HMGET', configKey, unpack(CONFIG_FIELDS))
if not cfg[1] then
  if ARGV[2] ~= '1' then
    local replies = {}
    local i = FIRST
    for n = 1, calls do
      replies[n] = {ReplyCode.missing}
      i = i + WIDTH[ARGV[i]]
    end
    return {ReplyCode.ok, replies, {}}
  end
  local at = ARGV[FIRST + 2]
  redis.call('HSET', configKey, 'max', ARGV[3], 'paused', '0', 'leaseSeconds', ARGV[4], 'leasePolicy', ARGV[5],
    'windows', '[]', 'epoch', '1', 'fence', '0', 'rev', '0', 'createdAt', at, 'updatedAt', at, 'auto', '1')
  addEvent(historyKey, {at = tonumber(at), event = 'create', by = 'node', max = tonumber(ARGV[3]), detail = 'created on first use'}, historyCap)
  cfg = redis.call('HMGET', configKey, unpack(CONFIG_FIELDS))
end
if tonumber(cfg[1]) ~= tonumber(ARGV[1]) then
  bumpRevision(configKey)
  return {ReplyCode.staleConfig, cfg[5], tonumber(cfg[4]), tonumber(cfg[1])}
end

local paused = cfg[2] == '1'
local max = tonumber(cfg[3])
local pauseReason = cfg[6] or ''
local lastFencingToken = tonumber(cfg[7])
local lastFencingTokenAtStart = lastFencingToken
local count = redis.call('HLEN', holdersKey)
local expired = {}
local sample = nil -- the 'full' answer's holder list, kept while holders do not change
-- Earliest lease deadline (a lower bound: releases only raise it), so most calls skip the lookup.
local first = redis.call('ZRANGE', leasesKey, 0, 0, 'WITHSCORES')
local nextDeadline = first[2] and tonumber(first[2]) or math.huge
-- Whether any node is on the waiting list (a grant then has to take it off); looked up on first use.
local anyWaiting = nil

local function processExpiry(now)
  local rows = expireDue(configKey, holdersKey, leasesKey, historyKey, now, historyCap)
  for _, row in ipairs(rows) do
    expired[#expired + 1] = row
    if row[5] == 1 then count = count - 1 end
    sample = nil
  end
  local again = redis.call('ZRANGE', leasesKey, 0, 0, 'WITHSCORES')
  nextDeadline = again[2] and tonumber(again[2]) or math.huge
end

local function noteWaiting(id, now, reason)
  anyWaiting = true
  redis.call('ZADD', waitingKey, now, id)
  redis.call('HSET', whyKey, id, reason)
  local over = redis.call('ZCARD', waitingKey) - waitingCap
  if over > 0 then
    local popped = redis.call('ZPOPMIN', waitingKey, over)
    for i = 1, #popped, 2 do redis.call('HDEL', whyKey, popped[i]) end
  end
end

local function fullSample()
  local want = tonumber(ARGV[8])
  local rows = {}
  if count <= 64 then
    local all = redis.call('HGETALL', holdersKey)
    for i = 1, #all, 2 do
      local _, since = decodeHolder(all[i + 1])
      rows[#rows + 1] = {all[i], all[i + 1], since}
    end
    table.sort(rows, function(a, b) return a[3] < b[3] or (a[3] == b[3] and a[1] < b[1]) end)
  else
    for _, hid in ipairs(redis.call('ZRANGE', leasesKey, 0, want - 1)) do rows[#rows + 1] = {hid, redis.call('HGET', holdersKey, hid)} end
  end
  local list = {}
  for i = 1, math.min(want, #rows) do list[i] = {rows[i][1], rows[i][2]} end
  if #list == 0 then return '[]' end
  return cjson.encode(list)
end

local replies = {}
i = FIRST
while i <= #ARGV do
  local kind, id = ARGV[i], ARGV[i + 1]
  local reply
  if kind == 'pre-reboot' then
    local now = tonumber(ARGV[i + 2])
    if now >= nextDeadline then processExpiry(now) end
    local mine = redis.call('HGET', holdersKey, id)
    if mine then
      reply = {ReplyCode.held, mine}
    elseif paused then
      noteWaiting(id, now, 'paused')
      reply = {ReplyCode.paused, pauseReason}
    elseif ARGV[i + 3] == '0' then
      noteWaiting(id, now, 'outside-window')
      reply = {ReplyCode.outsideWindow}
    elseif count >= max then
      noteWaiting(id, now, 'full')
      sample = sample or fullSample()
      reply = {ReplyCode.full, max, count, sample}
    else
      lastFencingToken = lastFencingToken + 1
      local fencingToken, leaseUntil = tostring(lastFencingToken), ARGV[i + 3]
      redis.call('HSET', holdersKey, id, fencingToken .. ':' .. ARGV[i + 2] .. ':' .. leaseUntil)
      redis.call('ZADD', leasesKey, leaseUntil, id)
      local deadline = tonumber(leaseUntil)
      if deadline < nextDeadline then nextDeadline = deadline end
      if anyWaiting == nil then anyWaiting = redis.call('EXISTS', waitingKey) == 1 end
      if anyWaiting and redis.call('ZREM', waitingKey, id) == 1 then redis.call('HDEL', whyKey, id) end
      pushEvent(historyKey, slotEventJson(ARGV[i + 2], 'grant', id, fencingToken), historyCap)
      count = count + 1
      sample = nil
      reply = {ReplyCode.ok, lastFencingToken}
    end
  else
    local rec = releaseOne(i)
    if rec then
      count = count - 1
      sample = nil
      reply = {ReplyCode.ok, rec}
    else
      reply = {ReplyCode.none}
    end
  end
  replies[#replies + 1] = reply
  i = i + WIDTH[kind]
end
if lastFencingToken ~= lastFencingTokenAtStart then redis.call('HSET', configKey, 'fence', lastFencingToken) end
bumpRevision(configKey)
return {ReplyCode.ok, replies, expired}
