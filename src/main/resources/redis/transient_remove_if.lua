-- Releases a lock only for its holder: deletes the key while it still holds the given value.
-- KEYS[1] the entry; ARGV[1] the expected value. Returns 1 when deleted.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
