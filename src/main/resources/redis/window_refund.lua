-- Gives back units a request was charged but did not use. A window that has ended meanwhile is left alone
-- (the new one owes nothing), and a count never goes below zero.
-- KEYS[1] window key; ARGV: units. Returns the count left.
local count = tonumber(redis.call('GET', KEYS[1]) or '-1')
if count < 0 then
  return 0
end
local back = math.min(count, tonumber(ARGV[1]))
return redis.call('DECRBY', KEYS[1], back)
