--[[
  The progress bookkeeping of server/domain/rollout/limits.ts: which nodes are in progress (granted,
  downloading, downloaded, installed), in which group, since when.

  inProgressStatus[status] -> true for the statuses a node in progress keeps its place with

  leaveProgress(progressKey, progressCountsKey, machineId, group)
  Takes the node out of the progress sorted set and out of its group's count (a count reaching 0
  is deleted). The caller clears the instance hash's field pg.
]]
local inProgressStatus = {granted = true, downloading = true, downloaded = true, installed = true}

local function leaveProgress(progressKey, progressCountsKey, machineId, group)
  redis.call('ZREM', progressKey, machineId)
  if redis.call('HINCRBY', progressCountsKey, group, -1) <= 0 then
    redis.call('HDEL', progressCountsKey, group)
  end
end
