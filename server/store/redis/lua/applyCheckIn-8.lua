--[[
  The check-in hot path: applies one decided change to one instance, atomically, in one call.
  Refused without writing anything when the app's config epoch is not the one the change was
  decided on, or when the change's group limits hold its grant. A node that installed its target
  and came back from a reboot on another version is counted as a failure of the rollout. A stale
  node (field sf, set by markStale-3.lua) is counted under '<prefix>|stale': its check-in moves it
  from there to the buckets of its final status and clears the flag. The rules
  are those of applyCheckIn in server/domain/apply-check-in.ts and of progress and the counted holds in
  server/domain/rollout/limits.ts; they are carried out here because they read state only this
  script sees atomically (the current status, buckets and newest history entry, the tallies, the
  progress counts). tests/store/model.test.ts holds this script to those functions. See
  docs/ARD-001-update-check-path.md, "where each check-in rule lives".
  Input:
    KEYS[1] app hash (field epoch)
    KEYS[2] instance hash (short fields: s status, ss statusSince, fs firstSeen, lc lastCheck,
            tv targetVersion, ec errorCode, en errorName, cp counter prefixes (with the rollout
            counter's, see ARGV[20]), uv the unknown version
            the instance is tallied under, pg the group it is in progress in, sf present while the
            node is stale, + attributes, among them b the boot id)
    KEYS[3] instance history list (compact entries, newest first)
    KEYS[4] instance index sorted set (machine id scored by lastCheck)
    KEYS[5] counters hash (bucket '<prefix>|<status>' -> count, + the unknown-track and unknown-version
            tallies: see buckets.lua, + the failure counters '<ARGV[28]>/<version>|reverted')
    KEYS[6] progress sorted set (machine id of each node in progress scored by its grant time)
    KEYS[7] progress counts hash (group -> nodes in progress in it)
    KEYS[8] grants sorted set of the group in ARGV[21] (machine id -> its latest grant time there)
    ARGV[1] config epoch the change was decided on
    ARGV[2] now (ms)
    ARGV[3] machine id
    ARGV[4] status to move to, '' to keep the current one
    ARGV[5] statuses that keep the current one, comma separated
    ARGV[6] '1' when a target version is set (ARGV[7]), else '0'
    ARGV[7] target version
    ARGV[8] '1' when an error is set (ARGV[9] code, ARGV[10] name), else '0'
    ARGV[9] error code
    ARGV[10] error name
    ARGV[11] counter prefixes, comma separated, no duplicates
    ARGV[12] history cap
    ARGV[13] unknown-track cap (UNKNOWN_TRACK_CAP in server/domain/counters.ts)
    ARGV[14] overflow track that unknown tracks over the cap count under (OVERFLOW_TRACK there)
    ARGV[15] the version in the prefixes when it names no package of the app, else ''
    ARGV[16] unknown-version cap (UNKNOWN_VERSION_CAP in server/domain/counters.ts)
    ARGV[17] version that unknown versions over the cap count under (OTHER_VERSION there)
    ARGV[18] completion: the version the node runs when a stored target equal to it completes the
            update the node did not report complete (go-omaha sends no previousversion), else ''
    ARGV[19] statuses from which that completion applies, comma separated
    ARGV[20] the rollout counter of the node's channel ('t/<channel>'), '' for none: with a final
            target version (ARGV[7] when set, else the stored one) the instance is also counted
            under '<this>/<target>' (stored in cp after the capped prefixes, so pruning drops it)
    ARGV[21] the group a grant is made in (the limits' group, else the node's group), '' for none:
            with final status 'granted' and a target in ARGV[7] the node is in progress there
    ARGV[22] '1' when the change carries group limits (ARGV[23] to ARGV[26]) for that group, else '0'
    ARGV[23] at most this many grants in the period, '' for no period limit
    ARGV[24] the period's start: grants at a later time count
    ARGV[25] at most this many nodes in progress in the group, '' for no limit
    ARGV[26] safe mode: the counter bucket of the group's completed nodes, '' for off
    ARGV[27] grants at or before this time are dropped from KEYS[8] (GRANT_RETENTION_MS ago)
    ARGV[28] the failure counter of the node's channel ('f/<channel>'), '' for none: when the stored
            status is 'installed' with a stored target, the node reports another version (ARGV[29])
            and a non-empty boot id (ARGV[30]) other than the stored one (it rebooted and did not
            come up on the target), '<this>/<stored target>|reverted' goes up by one
    ARGV[29] the version the node reports
    ARGV[30] the boot id the node reports
    ARGV[31] n = number of attribute field/value pairs that follow
    ARGV[32 .. 31+2n] attribute field, value, ...
    ARGV[32+2n ..] history entries, oldest first, each '<repeat>,<at>,<identity>'; the caller has
            folded them (no two consecutive ones share an identity), so only the first may fold
            into the newest stored entry
  Output:
    {ReplyCode.ok, previous status ('' for a new instance), final status}
    {ReplyCode.full, hold}  a limit holds the grant: 'safe-mode', 'rate-limit' or
                            'in-progress-limit' (nothing written)
    ReplyCode.staleConfig   the app is gone or its epoch differs (nothing written)
]]
--@include replyCodes.lua
--@include buckets.lua
--@include progress.lua
--@include history.lua
local appKey, instKey, histKey, indexKey, countersKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local progressKey, progressCountsKey, grantsKey = KEYS[6], KEYS[7], KEYS[8]

local epoch = redis.call('HGET', appKey, 'epoch')
if not epoch or tonumber(epoch) ~= tonumber(ARGV[1]) then return ReplyCode.staleConfig end

local now, machineId, statusTo = ARGV[2], ARGV[3], ARGV[4]
local cur = redis.call('HMGET', instKey, 's', 'cp', 'uv', 'tv', 'pg', 'b', 'sf')
local curStatus, curPrefixes, curTallied, curTarget = cur[1], cur[2], cur[3] or nil, cur[4] or ''
local curGroup, curBoot = cur[5] or nil, cur[6] or ''
-- the pseudo-status the instance is counted under now: 'stale' while it is stale
local curCounted = curStatus
if cur[7] then curCounted = 'stale' end
local isNew = not curStatus
-- the unknown-track and unknown-version caps, decided before anything is written
local prefixes = capTrack(countersKey, curPrefixes, ARGV[11], tonumber(ARGV[13]), ARGV[14])
local tallied
prefixes, tallied = capVersion(countersKey, prefixes, ARGV[15], curTallied, tonumber(ARGV[16]), ARGV[17])
-- the rollout counter, after the caps: the target is a package version, never capped
local target = curTarget
if ARGV[6] == '1' then target = ARGV[7] end
if ARGV[20] ~= '' and target ~= '' then
  local tp = ARGV[20] .. '/' .. target
  if prefixes == '' then prefixes = tp else prefixes = prefixes .. ',' .. tp end
end

-- final status: an unreported completion completes; else null keeps (a new instance starts idle),
-- unlessIn keeps, otherwise `to`
local completesFrom = false
if ARGV[18] ~= '' and curStatus and curTarget == ARGV[18] then
  for s in string.gmatch(ARGV[19], '[^,]+') do
    if s == curStatus then completesFrom = true break end
  end
end
local status
if completesFrom then
  status = 'complete'
elseif statusTo == '' then
  status = curStatus or 'idle'
else
  status = statusTo
  if curStatus then
    for s in string.gmatch(ARGV[5], '[^,]+') do
      if s == curStatus then status = curStatus break end
    end
  end
end

-- progress: a grant enters (or moves to) its group, an in-progress status stays, anything else
-- leaves; a grant that takes a new place is first held to the group's limits (nothing written)
local granting = nil
if status == 'granted' and ARGV[6] == '1' and ARGV[7] ~= '' and ARGV[21] ~= '' then granting = ARGV[21] end
local entered = granting ~= nil and granting ~= curGroup
if entered and ARGV[22] == '1' then
  local inProgress = tonumber(redis.call('HGET', progressCountsKey, granting) or '0')
  local hold = nil
  if ARGV[26] ~= '' and inProgress >= 1 and tonumber(redis.call('HGET', countersKey, ARGV[26]) or '0') == 0 then
    hold = 'safe-mode'
  elseif ARGV[23] ~= '' and redis.call('ZCOUNT', grantsKey, '(' .. ARGV[24], '+inf') >= tonumber(ARGV[23]) then
    hold = 'rate-limit'
  elseif ARGV[25] ~= '' and inProgress >= tonumber(ARGV[25]) then
    hold = 'in-progress-limit'
  end
  if hold then return {ReplyCode.full, hold} end
end
local afterGroup = nil
if granting then
  afterGroup = granting
elseif curGroup and inProgressStatus[status] then
  afterGroup = curGroup
end

-- fields; a field holding its default is removed instead of stored
local set, del = {}, {}
local function put(field, value, default)
  if value == default then
    del[#del + 1] = field
  else
    set[#set + 1] = field
    set[#set + 1] = value
  end
end
local nAttrs = tonumber(ARGV[31])
local firstEntry = 32 + 2 * nAttrs
for i = 32, firstEntry - 1, 2 do put(ARGV[i], ARGV[i + 1], '') end
put('s', status)
put('lc', now)
if isNew then put('fs', now) end
if isNew or status ~= curStatus then put('ss', now) end
if ARGV[6] == '1' then put('tv', ARGV[7], '') end
if ARGV[8] == '1' then
  put('ec', ARGV[9], '0')
  put('en', ARGV[10], '')
end
put('cp', prefixes, '')
put('uv', tallied or '', '')
put('pg', afterGroup or '', '')
put('sf', '', '')
redis.call('HSET', instKey, unpack(set))
if not isNew and #del > 0 then redis.call('HDEL', instKey, unpack(del)) end
redis.call('ZADD', indexKey, now, machineId)

-- history: the first entry folds into the newest when the identities match, the rest are pushed;
-- keep the cap
if isNew then redis.call('DEL', histKey) end
appendHistory(histKey, {unpack(ARGV, firstEntry)}, ARGV[12])

-- counters, and the unknown-track and unknown-version tallies
moveBuckets(countersKey, bucketSet(curPrefixes, curCounted), bucketSet(prefixes, status))
moveTrack(countersKey, curPrefixes, prefixes, ARGV[14])
moveVersion(countersKey, curTallied, tallied)

-- the node installed its target, rebooted (a new boot id) and runs another version: a failure
if ARGV[28] ~= '' and curStatus == 'installed' and curTarget ~= '' and ARGV[29] ~= curTarget
    and ARGV[30] ~= '' and ARGV[30] ~= curBoot then
  redis.call('HINCRBY', countersKey, ARGV[28] .. '/' .. curTarget .. '|reverted', 1)
end

-- progress bookkeeping
if curGroup and (entered or afterGroup ~= curGroup) then
  leaveProgress(progressKey, progressCountsKey, machineId, curGroup)
end
if entered then
  redis.call('ZADD', progressKey, now, machineId)
  redis.call('HINCRBY', progressCountsKey, granting, 1)
  redis.call('ZADD', grantsKey, now, machineId)
  redis.call('ZREMRANGEBYSCORE', grantsKey, '-inf', ARGV[27])
end

return {ReplyCode.ok, curStatus or '', status}
