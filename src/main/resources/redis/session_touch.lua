-- Marks a live session active: its idle clock starts over in the session and in both indexes.
-- KEYS[1] live index, KEYS[2] owner index, KEYS[3] session hash; ARGV: now ms, ttl ms, id, '1' when owned
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local seen = redis.call('HGET', KEYS[3], 'seen')
if not seen or tonumber(seen) + ttl <= now then
  return 0
end
redis.call('HSET', KEYS[3], 'seen', now)
redis.call('PEXPIRE', KEYS[3], ttl * 2)
redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[2], 'XX', now + ttl, ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ttl * 2)
end
return 1
