-- KEYS[1] window key; ARGV: limit, cost, window ms. Returns {allowed 1/0, remaining, ms to reset}.
--#include window
return charge_window(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
