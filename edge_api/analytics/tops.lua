-- One flush's additions to an hourly top list (subnets or fingerprints of refusals).
-- KEYS[1]: the sorted set. ARGV[1]: members kept; ARGV[2]: TTL in seconds;
-- then (increment, member) pairs. One call instead of a ZINCRBY per member.
local key = KEYS[1]
for i = 3, #ARGV, 2 do
  redis.call('ZINCRBY', key, ARGV[i], ARGV[i + 1])
end
redis.call('ZREMRANGEBYRANK', key, 0, -(tonumber(ARGV[1]) + 1))
redis.call('EXPIRE', key, ARGV[2])
return 0
