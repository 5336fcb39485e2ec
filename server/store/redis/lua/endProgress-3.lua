--[[
  Ends a node's progress because it gave its reboot slot back (InstanceStore.endProgress): when it
  is in progress in some group (instance field pg), it leaves that group's place and the progress
  set, and pg is cleared. Status, counters, target and history stay as they are, so its next
  check-in (installed or complete) finds it out of progress and leaves it there unless it grants.
  Input:
    KEYS[1] instance hash (field pg: the group it is in progress in)
    KEYS[2] progress sorted set (machine id of each node in progress scored by its grant time)
    KEYS[3] progress counts hash (group -> nodes in progress in it)
    ARGV[1] machine id
  Output:
    ReplyCode.ok     it was in progress and left
    ReplyCode.none   not in progress (or no such instance): nothing written
]]
--@include replyCodes.lua
--@include progress.lua
local group = redis.call('HGET', KEYS[1], 'pg')
if not group or group == '' then return ReplyCode.none end
redis.call('HDEL', KEYS[1], 'pg')
leaveProgress(KEYS[2], KEYS[3], ARGV[1], group)
return ReplyCode.ok
