-- Ends a session: its hash and its entries in both indexes. Returns 1 when it existed.
-- KEYS[1] live index, KEYS[2] owner index, KEYS[3] session hash; ARGV: id, '1' when owned
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
if ARGV[2] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[1])
end
local existed = redis.call('DEL', KEYS[3])
if removed > 0 or existed > 0 then
  return 1
end
return 0
