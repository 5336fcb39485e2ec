--[[
  Adds a package unless (version, arch) is taken.
  Input:
    KEYS[1] app hash
    KEYS[2] packages hash (field per version+arch)
    KEYS[3] versions set
    KEYS[4] activity list
    ARGV[1] packages-hash field of (version, arch)
    ARGV[2] package JSON
    ARGV[3] version
    ARGV[4] activity entry JSON
    ARGV[5] activity cap
  Output:
    ReplyCode.ok        created
    ReplyCode.missing   no such app
    ReplyCode.exists    (version, arch) is taken (nothing written)
]]
--@include replyCodes.lua
--@include recordChange.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.missing end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return ReplyCode.exists end
redis.call('SADD', KEYS[3], ARGV[3])
recordChange(KEYS[1], KEYS[4], ARGV[4], ARGV[5])
return ReplyCode.ok
