-- Takes the sessions idle past their TTL out of the live index (at most ARGV[2] per call) and
-- returns their ids, each to exactly one caller, so only one replica announces each expiry.
-- KEYS[1] live index; ARGV: now ms, batch size. The session hashes expire by their own TTL.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
end
return ids
