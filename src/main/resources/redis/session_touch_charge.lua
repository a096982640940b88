-- One round trip per request on a shared gateway: charges the session's one-minute window and, when the
-- cost fits, marks the session active.
-- KEYS[1] live index, KEYS[2] owner index, KEYS[3] session hash, KEYS[4] the session's window
-- ARGV: now ms, ttl ms, id, '1' when owned, limit, cost, window ms.
-- Returns {allowed 1/0, remaining, ms to reset}.
--#include window
--#include touch
local decision = charge_window(KEYS[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]))
if decision[1] == 1 then
  touch_session(KEYS[1], KEYS[2], KEYS[3], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4] == '1')
end
return decision
