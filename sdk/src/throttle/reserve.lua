-- One bucket's shared throttle state, one atomic step per permit (see
-- sdk/src/throttle/store.rs; the same steps as in_process.rs's `step`).
-- Timed by Redis's own clock (TIME), so the clients' clocks do not matter.
--
-- KEYS[1]  GCRA's theoretical arrival time (microseconds), expires when it
--          is past
-- KEYS[2]  the server's word: limit, rem (remaining), reset, hold (all
--          times in microseconds since the epoch), probes
-- ARGV     1 mode (1 reserve, 0 only apply the word), 2 documented limit,
--          3 its window (us; 0: no pace), 4 max wait (us), 5 margin (us),
--          6 fill per mille, 7 probe gap (us), 8 max probes, 9 word ttl (us),
--          10 has word (0/1), 11 word limit (0: none), 12 word remaining
--          (-1: none), 13 word reset (epoch s; 0: none), 14 a 429 (0/1),
--          15 Retry-After (us; -1: none)
-- Returns  {granted (0/1), wait (us), reason (0 pace, 1 a 429's hold,
--          2 window exhausted)}
if redis.replicate_commands then pcall(redis.replicate_commands) end

local function int(x) return string.format('%d', x) end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local mode = tonumber(ARGV[1])
local doc_limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local margin = tonumber(ARGV[5])
local fill = tonumber(ARGV[6])
local probe_gap = tonumber(ARGV[7])
local max_probes = tonumber(ARGV[8])
local word_ttl = tonumber(ARGV[9])

local h = redis.call('HMGET', KEYS[2], 'limit', 'rem', 'reset', 'hold', 'probes')
local limit = tonumber(h[1])
local rem = tonumber(h[2])
local reset = tonumber(h[3])
local hold = tonumber(h[4]) or 0
local probes = tonumber(h[5]) or 0
local touched = false
-- The limit was just heard for the first time: the probes' spacing (if
-- any) ends.
local learned = false

-- The server's word.
if ARGV[10] == '1' then
  local w_limit = tonumber(ARGV[11])
  local w_rem = tonumber(ARGV[12])
  local w_reset = tonumber(ARGV[13])
  local w_429 = ARGV[14] == '1'
  local w_after = tonumber(ARGV[15])
  if w_limit > 0 then
    if limit == nil then learned = true end
    limit = w_limit
    redis.call('HSET', KEYS[2], 'limit', int(limit))
  end
  if w_reset > 0 then
    local r = w_reset * 1000000
    if r + margin > now then
      local remaining = nil
      if w_429 then remaining = 0 elseif w_rem >= 0 then remaining = w_rem end
      if remaining ~= nil then
        if reset == r then
          if rem == nil or remaining < rem then rem = remaining end
        elseif reset == nil or reset < r then
          reset = r
          rem = remaining
        end
        if reset == r then
          redis.call('HSET', KEYS[2], 'rem', int(rem), 'reset', int(reset))
        end
      end
    end
  end
  if w_429 then
    local untl = 0
    if w_after >= 0 then
      untl = now + w_after + margin
    elseif w_reset > 0 then
      untl = w_reset * 1000000 + margin
    end
    if untl > hold then
      hold = untl
      redis.call('HSET', KEYS[2], 'hold', int(hold))
    end
  end
  touched = true
end

local function keep_word()
  if touched then
    local last = now
    if hold > last then last = hold end
    if reset ~= nil and reset > last then last = reset end
    redis.call('PEXPIRE', KEYS[2], int(math.ceil((last + word_ttl - now) / 1000)))
  end
end

if mode == 0 then
  keep_word()
  return {1, 0, 0}
end

-- When the next slot may be: a hold, an exhausted window.
local start = now
local reason = 0
if hold > start then
  start = hold
  reason = 1
end
if reset ~= nil and rem ~= nil and reset + margin > now and rem <= 0 and reset + margin > start then
  start = reset + margin
  reason = 2
end

-- The pace (GCRA).
local slot = start
local interval = 0
local tat = now
local probing = false
local eff = limit or doc_limit
if window > 0 and eff > 0 then
  local paced = math.floor(eff * fill / 1000)
  if paced < 1 then paced = 1 end
  interval = math.ceil(window / paced)
  if interval < 1 then interval = 1 end
  local burst = math.floor((eff - math.min(paced, eff)) / 2)
  if burst < 1 then burst = 1 end
  local tolerance = (burst - 1) * interval
  if limit == nil and probes < max_probes then
    if probe_gap > interval then interval = probe_gap end
    tolerance = 0
    probing = true
  end
  tat = tonumber(redis.call('GET', KEYS[1])) or now
  -- The limit was just heard: the probes' wide spacing ends, and the probes
  -- granted and not yet due (one every probe interval, the last one a probe
  -- interval before tat) count against the new pace. After the last probe
  -- the documented pace may have granted an unknown number: the schedule
  -- then stays.
  if learned and probes > 0 and probes < max_probes then
    local doc_paced = math.floor(doc_limit * fill / 1000)
    if doc_paced < 1 then doc_paced = 1 end
    local probe_interval = math.ceil(window / doc_paced)
    if probe_interval < probe_gap then probe_interval = probe_gap end
    if probe_interval < 1 then probe_interval = 1 end
    local ahead = 0
    if tat > now then ahead = math.floor((tat - now) / probe_interval) end
    tat = now + ahead * interval
  end
  if tat < now then tat = now end
  local allow_at = tat - tolerance
  if allow_at > slot then slot = allow_at end
end

local wait = slot - now
if wait > max_wait then
  keep_word()
  return {0, wait, reason}
end
if interval > 0 then
  local next_tat = tat
  if slot > next_tat then next_tat = slot end
  next_tat = next_tat + interval
  redis.call('SET', KEYS[1], int(next_tat), 'PX', int(math.ceil((next_tat - now) / 1000)))
end
if probing then
  redis.call('HINCRBY', KEYS[2], 'probes', 1)
  touched = true
end
if reset ~= nil and rem ~= nil and slot < reset then
  redis.call('HSET', KEYS[2], 'rem', int(rem - 1))
end
keep_word()
return {1, wait, reason}
