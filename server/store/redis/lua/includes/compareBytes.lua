--[[
  compareBytes(a, b) -> -1, 0 or 1
  Byte-wise comparison, the order Redis sorts sorted-set members of equal score in. Lua's own `<`
  on strings follows the server's locale (strcoll), which may differ.
]]
local function compareBytes(a, b)
  if a == b then return 0 end
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      if x < y then return -1 end
      return 1
    end
  end
  if #a < #b then return -1 end
  return 1
end
