-- A fixed one-minute window per key, charged by cost: all of it or nothing.
-- Returns {allowed 1/0, remaining, ms to reset}.
local function charge_window(key, limit, cost, window)
  local count = tonumber(redis.call('GET', key) or '0')
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    ttl = window
  end
  if count + cost > limit then
    return {0, limit - count, ttl}
  end
  count = redis.call('INCRBY', key, cost)
  if count == cost then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  return {1, limit - count, ttl}
end
