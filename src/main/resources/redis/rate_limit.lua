-- A fixed one-minute window per key, charged by cost: all of it or nothing.
-- KEYS[1] window key; ARGV: limit, cost, window ms. Returns {allowed 1/0, remaining, ms to reset}.
local limit, cost, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = window
end
if count + cost > limit then
  return {0, limit - count, ttl}
end
count = redis.call('INCRBY', KEYS[1], cost)
if count == cost then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
return {1, limit - count, ttl}
