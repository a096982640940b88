-- Registered OAuth clients, each a string Redis expires after a long idle time (refreshed when read),
-- with a sorted set of ids (score: when each expires) so counting them needs no KEYS scan. Both keys
-- share the {clients} hash tag (one Cluster slot).
-- KEYS[1] the index, KEYS[2] the client ('count' has none)
-- ARGV[1] op: put | get | remove | count; ARGV[2] now ms; ARGV[3] ttl ms; ARGV[4] id; ARGV[5] json (put)
local index, client, op, now, ttl, id = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]

local function keep()
  redis.call('PEXPIRE', client, ttl)
  redis.call('ZADD', index, now + ttl, id)
  redis.call('PEXPIRE', index, ttl)
end

if op == 'put' then
  redis.call('SET', client, ARGV[5])
  keep()
  return 1
elseif op == 'get' then
  local value = redis.call('GET', client)
  if value then
    keep()
  end
  return value
elseif op == 'remove' then
  redis.call('ZREM', index, id)
  return redis.call('DEL', client)
elseif op == 'count' then
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  return redis.call('ZCARD', index)
end
return redis.error_reply('unknown op ' .. tostring(op))
