--[[
  Times out one grant: when the node is still in progress in the group since before the cutoff, it
  moves to status 'timed-out' (statusSince now; lastCheck and the index untouched), its counters
  move from '<prefix>|<status>' to '<prefix>|timed-out' for every stored prefix (the tallies stay;
  a stale node stays counted under '<prefix>|stale'),
  the history gains the entry {kind: status, status: timed-out, version: its stored target}
  (folding into the newest when their identities match, the cap kept) and it leaves progress. The rule is timeOut in server/domain/apply-check-in.ts;
  tests/store/model.test.ts holds this script to it.
  Input:
    KEYS[1] instance hash (fields s status, ss statusSince, cp counter prefixes, tv target version,
            pg progress group, sf present while stale)
    KEYS[2] instance history list (compact entries, newest first)
    KEYS[3] counters hash
    KEYS[4] progress sorted set (machine id of each node in progress scored by its grant time)
    KEYS[5] progress counts hash (group -> nodes in progress in it)
    ARGV[1] machine id
    ARGV[2] group
    ARGV[3] cutoff: timed out only when in progress since a time < cutoff
    ARGV[4] now (ms)
    ARGV[5] history cap
    ARGV[6] the history entry's encoding (history-codec.ts) before its version, which only this
            script knows (the stored target, JSON-encoded in between)
    ARGV[7] the encoding after the version
  Output:
    ReplyCode.ok     timed out
    ReplyCode.none   left alone (no longer in progress in the group, or granted since the cutoff)
]]
--@include replyCodes.lua
--@include buckets.lua
--@include progress.lua
--@include history.lua
local machineId, group = ARGV[1], ARGV[2]
local since = redis.call('ZSCORE', KEYS[4], machineId)
local cur = redis.call('HMGET', KEYS[1], 's', 'cp', 'pg', 'tv', 'sf')
if not since or tonumber(since) >= tonumber(ARGV[3]) or cur[3] ~= group then return ReplyCode.none end

local status, prefixes = cur[1], cur[2]
local set = {'s', 'timed-out'}
if status ~= 'timed-out' then set[#set + 1] = 'ss' set[#set + 1] = ARGV[4] end
redis.call('HSET', KEYS[1], unpack(set))
redis.call('HDEL', KEYS[1], 'pg')
if not cur[5] then moveBuckets(KEYS[3], bucketSet(prefixes, status), bucketSet(prefixes, 'timed-out')) end
leaveProgress(KEYS[4], KEYS[5], machineId, group)

appendHistory(KEYS[2], {ARGV[6] .. cjson.encode(cur[4] or '') .. ARGV[7]}, ARGV[5])
return ReplyCode.ok
