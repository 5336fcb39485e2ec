--[[
  Writes an existing channel's record whole (version, floors, allowDowngrade, rollout) and appends
  the activity entries in order, bumping the app's config epoch once. With an epoch given, a
  compare-and-set: the caller decided the change on that config, so a newer one refuses it. Never
  creates the channel (createChannel-3.lua does).
  Input:
    KEYS[1] app hash (field epoch)
    KEYS[2] channels hash (name -> channel JSON)
    KEYS[3] versions set
    KEYS[4] activity list
    ARGV[1] channel name
    ARGV[2] version ('' with ARGV[3] = '0' for none)
    ARGV[3] '1' when the channel gets a version (it must have a package), '0' for none
    ARGV[4] channel JSON
    ARGV[5] config epoch the change was decided on, '' to write whatever the epoch
    ARGV[6] activity cap
    ARGV[7..] activity entry JSON, oldest first (none or more)
  Output:
    ReplyCode.ok            written
    ReplyCode.missing       no such app
    ReplyCode.noChannel     the app has no channel of that name (nothing written)
    ReplyCode.staleConfig   the app's epoch is not ARGV[5] (nothing written)
    ReplyCode.noPackage     no package of that version (nothing written)
]]
--@include replyCodes.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.missing end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return ReplyCode.noChannel end
if ARGV[5] ~= '' and tonumber(redis.call('HGET', KEYS[1], 'epoch')) ~= tonumber(ARGV[5]) then
  return ReplyCode.staleConfig
end
if ARGV[3] == '1' and redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return ReplyCode.noPackage end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
-- recordChange.lua's steps for several entries: each pushed (the last ends up newest), one trim, one bump.
for i = 7, #ARGV do redis.call('LPUSH', KEYS[4], ARGV[i]) end
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[6]) - 1)
redis.call('HINCRBY', KEYS[1], 'epoch', 1)
return ReplyCode.ok
