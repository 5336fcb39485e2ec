--[[
  Creates or fully replaces a track group (maps an Omaha track to a channel; not a reboot group),
  keeping the createdAt of an existing one. A track belongs to one group of the app. The group is
  stored as JSON whose values are all strings (exact numbers).
  Input:
    KEYS[1] app hash
    KEYS[2] groups hash (id -> group JSON)
    KEYS[3] tracks hash (track -> group id)
    KEYS[4] activity list
    ARGV[1] group id
    ARGV[2] name
    ARGV[3] track
    ARGV[4] channel
    ARGV[5] createdAt (used when the group is new)
    ARGV[6] updatedAt
    ARGV[7] activity entry JSON
    ARGV[8] activity cap
    ARGV[9] policy JSON (domain/rollout/policy.ts GroupPolicy), kept as a string in the group JSON
  Output:
    ReplyCode.ok           created
    ReplyCode.updated      replaced
    ReplyCode.missing      no such app
    ReplyCode.trackTaken   another group of the app has this track (nothing written)
]]
--@include replyCodes.lua
--@include recordChange.lua
local id, track = ARGV[1], ARGV[3]
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.missing end
local owner = redis.call('HGET', KEYS[3], track)
if owner and owner ~= id then return ReplyCode.trackTaken end

local createdAt, result = ARGV[5], ReplyCode.ok
local old = redis.call('HGET', KEYS[2], id)
if old then
  local rec = cjson.decode(old)
  createdAt, result = rec.createdAt, ReplyCode.updated
  if rec.track ~= track and redis.call('HGET', KEYS[3], rec.track) == id then
    redis.call('HDEL', KEYS[3], rec.track)
  end
end
redis.call('HSET', KEYS[2], id, cjson.encode({
  name = ARGV[2], track = track, channel = ARGV[4], createdAt = createdAt, updatedAt = ARGV[6], policy = ARGV[9],
}))
redis.call('HSET', KEYS[3], track, id)
recordChange(KEYS[1], KEYS[4], ARGV[7], ARGV[8])
return result
