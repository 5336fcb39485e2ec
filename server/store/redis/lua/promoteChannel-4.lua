--[[
  Points an existing channel at a version that has a package (any arch). Never creates the
  channel (createChannel-3.lua does): a mistyped name is refused.
  Input:
    KEYS[1] app hash
    KEYS[2] channels hash (name -> channel JSON)
    KEYS[3] versions set
    KEYS[4] activity list
    ARGV[1] channel name
    ARGV[2] version ('' with ARGV[3] = '0' for none)
    ARGV[3] '1' when the channel gets a version, '0' for none
    ARGV[4] channel JSON
    ARGV[5] activity entry JSON
    ARGV[6] activity cap
  Output:
    the channel's previous JSON (a string)
    ReplyCode.missing     no such app
    ReplyCode.noChannel   the app has no channel of that name (nothing written)
    ReplyCode.noPackage   no package of that version (nothing written)
]]
--@include replyCodes.lua
--@include recordChange.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.missing end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
if not previous then return ReplyCode.noChannel end
if ARGV[3] ~= '1' or redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 0 then return ReplyCode.noPackage end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
recordChange(KEYS[1], KEYS[4], ARGV[5], ARGV[6])
return previous
