-- One round trip per request on a shared gateway: reads the session and, when it is alive, charges its
-- one-minute window and, when the cost fits, marks it active. The gateway checks the caller only after the
-- read, so a request it then refuses (or that costs nothing) gives the charge back (window_refund.lua).
-- KEYS[1] live index, KEYS[2] session hash, KEYS[3] the session's window
-- ARGV: now ms, ttl ms, id, limit, cost, window ms, owner index key without the owner, touch interval ms.
-- A session marked active less than the touch interval ago is not marked again: the mark is six writes (the
-- hash, both indexes, their TTLs), most of this script's work, and moving the idle clock by less than the
-- interval changes nothing an operator can see (the session expires at most that much earlier).
-- The owner index is named after the session's owner, known only once it is read; it carries the same hash
-- tag as the keys above, so it lives on their slot (Redis Cluster too).
-- Returns {} when the session is unknown or idle past its TTL, else {state, seen, allowed 1/0, remaining,
-- ms to reset}.
--#include window
--#include touch
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local s = redis.call('HMGET', KEYS[2], 'state', 'seen', 'owner')
if not s[1] or not s[2] or tonumber(s[2]) + ttl <= now then
  return {}
end
local decision = charge_window(KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]))
if decision[1] == 1 and now - tonumber(s[2]) >= tonumber(ARGV[8]) then
  local owner = s[3]
  if not owner then
    -- A session created before the hash held its owner: the state names it.
    owner = cjson.decode(s[1]).owner
    if type(owner) ~= 'string' then
      owner = ''
    end
  end
  touch_session(KEYS[1], ARGV[7] .. owner, KEYS[2], now, ttl, ARGV[3], owner ~= '')
end
return {s[1], s[2], decision[1], decision[2], decision[3]}
