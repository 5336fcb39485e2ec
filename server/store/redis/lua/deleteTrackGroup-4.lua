--[[
  Deletes a track group and frees its track.
  Input:
    KEYS[1] app hash
    KEYS[2] groups hash (id -> group JSON)
    KEYS[3] tracks hash (track -> group id)
    KEYS[4] activity list
    ARGV[1] group id
    ARGV[2] activity entry JSON
    ARGV[3] activity cap
  Output:
    ReplyCode.ok        deleted
    ReplyCode.missing   no such group or app (nothing written)
]]
--@include replyCodes.lua
--@include recordChange.lua
local id = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.missing end
local old = redis.call('HGET', KEYS[2], id)
if not old then return ReplyCode.missing end
local rec = cjson.decode(old)
if redis.call('HGET', KEYS[3], rec.track) == id then redis.call('HDEL', KEYS[3], rec.track) end
redis.call('HDEL', KEYS[2], id)
recordChange(KEYS[1], KEYS[4], ARGV[2], ARGV[3])
return ReplyCode.ok
