--[[
  Marks a version pulled: never offered again. The version must have a package (any arch); a
  version pulled already is left as it was (its first reason and time stay).
  Input:
    KEYS[1] app hash
    KEYS[2] versions set
    KEYS[3] pulled hash (version -> pulled JSON)
    KEYS[4] activity list
    ARGV[1] version
    ARGV[2] pulled JSON
    ARGV[3] activity entry JSON
    ARGV[4] activity cap
  Output:
    ReplyCode.ok          pulled
    ReplyCode.missing     no such app
    ReplyCode.noPackage   no package of that version (nothing written)
    ReplyCode.exists      the version is pulled already (nothing written)
]]
--@include replyCodes.lua
--@include recordChange.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return ReplyCode.missing end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return ReplyCode.noPackage end
if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2]) == 0 then return ReplyCode.exists end
recordChange(KEYS[1], KEYS[4], ARGV[3], ARGV[4])
return ReplyCode.ok
