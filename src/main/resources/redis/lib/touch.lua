-- Marks a live session active: its idle clock starts over in the session and in both indexes.
-- Returns 1, or 0 when the session is gone or idle past its TTL (a touch never revives it).
local function touch_session(live, owner, session, now, ttl, id, owned)
  local seen = redis.call('HGET', session, 'seen')
  if not seen or tonumber(seen) + ttl <= now then
    return 0
  end
  redis.call('HSET', session, 'seen', now)
  redis.call('PEXPIRE', session, ttl * 2)
  redis.call('ZADD', live, 'XX', now + ttl, id)
  redis.call('PEXPIRE', live, ttl * 2)
  if owned then
    redis.call('ZADD', owner, 'XX', now + ttl, id)
    redis.call('PEXPIRE', owner, ttl * 2)
  end
  return 1
end
