-- Compare-and-set of a session's state: written only if nobody changed it since it was read.
-- KEYS[1] session hash; ARGV: expected state json, new state json. Returns 1, 0 (changed meanwhile) or -1 (gone).
local current = redis.call('HGET', KEYS[1], 'state')
if not current then
  return -1
end
if current ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
return 1
