-- OAuth grants, each a hash {json, version, kid, expires} that Redis expires at the grant's expiry, with
-- an index per key-ring key id (a sorted set id -> expiry), so counting by key id needs no KEYS scan and
-- stays right while grants expire natively. Every key shares the {grants} hash tag (one Cluster slot),
-- so the index keys this script names from ARGV[2] live on the same node as the declared keys.
-- KEYS[1] the key ids (sorted set kid -> latest expiry), KEYS[2] the grant hash ('count' has none)
-- ARGV[1] op: create | replace | remove | count; ARGV[2] index key prefix; ARGV[3] now ms (gateway clock)
-- create/replace: ARGV[4] id, ARGV[5] json, ARGV[6] kid, ARGV[7] expires ms; replace: ARGV[8] expected
-- version, ARGV[9] new version; remove: ARGV[4] id.
local kids, grant, op, idx, now = KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3])

local function keep_until(key, expires)
  local ttl = math.max(1, expires - now)
  if redis.call('PTTL', key) < ttl then
    redis.call('PEXPIRE', key, ttl)
  end
end

local function live()
  local e = redis.call('HGET', grant, 'expires')
  return e and tonumber(e) > now
end

local function unindex(id)
  local kid = redis.call('HGET', grant, 'kid')
  if kid then
    redis.call('ZREM', idx .. kid, id)
  end
end

local function store(version)
  local id, kid, expires = ARGV[4], ARGV[6], tonumber(ARGV[7])
  unindex(id)
  redis.call('DEL', grant)
  redis.call('HSET', grant, 'json', ARGV[5], 'version', version, 'kid', kid, 'expires', ARGV[7])
  redis.call('PEXPIRE', grant, math.max(1, expires - now))
  redis.call('ZADD', idx .. kid, expires, id)
  keep_until(idx .. kid, expires)
  redis.call('ZADD', kids, 'GT', expires, kid)
  keep_until(kids, expires)
  return 1
end

if op == 'create' then
  if live() then
    return 0
  end
  return store('1')
elseif op == 'replace' then
  if not live() or redis.call('HGET', grant, 'version') ~= ARGV[8] then
    return 0
  end
  return store(ARGV[9])
elseif op == 'remove' then
  if redis.call('EXISTS', grant) == 0 then
    return 0
  end
  unindex(ARGV[4])
  return redis.call('DEL', grant)
elseif op == 'count' then
  redis.call('ZREMRANGEBYSCORE', kids, '-inf', now)
  local out = {}
  for _, kid in ipairs(redis.call('ZRANGE', kids, 0, -1)) do
    redis.call('ZREMRANGEBYSCORE', idx .. kid, '-inf', now)
    local n = redis.call('ZCARD', idx .. kid)
    if n == 0 then
      redis.call('ZREM', kids, kid)
    else
      table.insert(out, kid)
      table.insert(out, n)
    end
  end
  return out
end
return redis.error_reply('unknown op ' .. tostring(op))
