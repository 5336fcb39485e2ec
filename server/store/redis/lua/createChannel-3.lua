--[[
  Creates a channel unless the app has one of that name. Channels are created only here: a
  promotion never creates one, so a mistyped name is refused instead of becoming a channel.
  Input:
    KEYS[1] app hash
    KEYS[2] channels hash (name -> channel JSON)
    KEYS[3] activity list
    ARGV[1] channel name
    ARGV[2] channel JSON
    ARGV[3] activity entry JSON
    ARGV[4] activity cap
  Output:
    ReplyCode.ok        created
    ReplyCode.missing   no such app
    ReplyCode.exists    the app has a channel of that name (nothing written)
]]
--@include replyCodes.lua
--@include recordChange.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.missing end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return ReplyCode.exists end
recordChange(KEYS[1], KEYS[3], ARGV[3], ARGV[4])
return ReplyCode.ok
