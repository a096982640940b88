-- Creates a session unless the gateway or its owner is at capacity. Atomic, so replicas creating
-- sessions at once can never overshoot a cap.
-- KEYS[1] live index (zset id -> expiry ms), KEYS[2] owner index (zset), KEYS[3] session hash
-- ARGV: now ms, ttl ms, max sessions, max per owner, id, state json, seen ms, '1' when the session has an owner,
-- the owner ('' when none: session_get_charge.lua names the owner index from it)
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 'full'
end
if ARGV[8] == '1' then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
    return 'owner'
  end
  redis.call('ZADD', KEYS[2], now + ttl, ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ttl * 2)
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[5])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
redis.call('HSET', KEYS[3], 'state', ARGV[6], 'seen', ARGV[7], 'owner', ARGV[9])
redis.call('PEXPIRE', KEYS[3], ttl * 2)
return 'ok'
