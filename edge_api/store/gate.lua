-- Palisade gate: every limit, the single-use claim and the reputation of one request,
-- decided atomically in one call.
--
-- KEYS: [claim?] limit_1..limit_n rep_1..rep_m
-- ARGV: now_s, has_claim (0|1), claim_ttl_ms, claim_value, n_limits,
--       rate_1, burst_1, ..., rate_n, burst_n,
--       half_life_s, rep_ttl_ms, delta_ok, delta_limited, delta_replay, read_rep (0|1)
-- Returns: {status, limit_index, retry_after_ms, claimed_by, usage_ppm_1..n,
--          rep_1..m (strings; none when read_rep is 0)}
--   status 0 = allowed (claimed if asked), 1 = over a limit (nothing consumed,
--   nothing claimed), 2 = claim already taken (a replay).
--
-- GCRA: each limit keeps one theoretical arrival time (TAT). A request is allowed when
-- now >= TAT - tolerance, where tolerance = burst / rate; then TAT += 1 / rate.
local now = tonumber(ARGV[1])
local has_claim = ARGV[2] == "1"
local claim_ttl_ms = tonumber(ARGV[3])
local claim_value = ARGV[4]
local n_limits = tonumber(ARGV[5])
local arg = 6
local key = 1
local claim_key
if has_claim then
  claim_key = KEYS[1]
  key = 2
end

local status, limited_index, retry_after_ms, claimed_by = 0, 0, 0, ""
local new_tats, usage = {}, {}
for i = 1, n_limits do
  local rate = tonumber(ARGV[arg])
  local burst = tonumber(ARGV[arg + 1])
  arg = arg + 2
  local interval = 1 / rate
  local tolerance = burst * interval
  local tat = tonumber(redis.call("GET", KEYS[key + i - 1]) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  usage[i] = math.floor((tat - now) / tolerance * 1000000)
  local allow_at = new_tat - tolerance
  if now < allow_at and status == 0 then
    status = 1
    limited_index = i
    retry_after_ms = math.ceil((allow_at - now) * 1000)
  end
  new_tats[i] = new_tat
end

if status == 0 then
  for i = 1, n_limits do
    local ttl_ms = math.ceil((new_tats[i] - now) * 1000) + 1000
    redis.call("SET", KEYS[key + i - 1], tostring(new_tats[i]), "PX", ttl_ms)
  end
  if has_claim then
    local previous = redis.call("SET", claim_key, claim_value, "PX", claim_ttl_ms, "NX", "GET")
    if previous then
      status = 2
      claimed_by = previous
    end
  end
end

local half_life = tonumber(ARGV[arg])
local rep_ttl_ms = tonumber(ARGV[arg + 1])
local delta
if status == 0 then delta = tonumber(ARGV[arg + 2])
elseif status == 1 then delta = tonumber(ARGV[arg + 3])
else delta = tonumber(ARGV[arg + 4]) end

local read_rep = ARGV[arg + 5] == "1"

local result = {status, limited_index, retry_after_ms, claimed_by}
for i = 1, n_limits do result[#result + 1] = usage[i] end
local first_rep = key + n_limits
if delta == 0 and not read_rep then first_rep = #KEYS + 1 end  -- nothing to read or change
for i = first_rep, #KEYS do
  local stored = redis.call("HMGET", KEYS[i], "s", "t")
  local score = tonumber(stored[1]) or 0
  local at = tonumber(stored[2]) or now
  if now > at then score = score * math.pow(0.5, (now - at) / half_life) end
  score = score + delta
  if score < 0 then score = 0 end
  -- The decay is computed from "t" at every read, so an unchanged score (delta 0) needs
  -- no write, and a clean client (no record, nothing added) needs no delete.
  if score > 0.001 then
    if delta ~= 0 then
      redis.call("HSET", KEYS[i], "s", tostring(score), "t", tostring(now))
      redis.call("PEXPIRE", KEYS[i], rep_ttl_ms)
    end
  elseif stored[1] then
    redis.call("DEL", KEYS[i])
  end
  if read_rep then result[#result + 1] = tostring(score) end
end
return result
