-- Live sessions: the index without the entries whose time is up.
-- KEYS[1] live index; ARGV: now ms
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZCARD', KEYS[1])
