--[[
  Lease sweep for one group: processes every lease that ran out (see includes/expireDue.lua).

  KEYS[1] config    hash   (leasePolicy decides between marking and freeing; `rev` moves by one per expiry)
  KEYS[2] holders   hash   holder id -> "fencingToken:since:leaseUntil[:expiredAt]"
  KEYS[3] leases    zset   holder id -> lease deadline
  KEYS[4] history   list   JSON events, newest first

  ARGV[1] now (ms)
  ARGV[2] history cap

  Output: the list of {id, fencingToken, since, leaseUntil, freed (1|0), processed at} processed.
  Events: expire.
]]
--@include addEvent.lua
--@include holder.lua
--@include expireDue.lua

local rows = expireDue(KEYS[1], KEYS[2], KEYS[3], KEYS[4], tonumber(ARGV[1]), tonumber(ARGV[2]))
bumpRevision(KEYS[1])
return rows
