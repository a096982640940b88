-- KEYS[1] live index, KEYS[2] owner index, KEYS[3] session hash; ARGV: now ms, ttl ms, id, '1' when owned
--#include touch
return touch_session(KEYS[1], KEYS[2], KEYS[3], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4] == '1')
