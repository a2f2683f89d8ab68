-- wrk script: PUT an answer to a random question of one of the prepared attempts. Each wrk
-- thread cycles through its own share of the attempts, as learners each answer their own exam
-- (two threads in step on the same attempts would be one learner double-submitting).
local ids = {}
for line in io.lines(os.getenv("CERTPREP_BENCH_ATTEMPTS")) do ids[#ids + 1] = line end
local token = os.getenv("CERTPREP_BENCH_CSRF")
local letters = { "A", "B", "C", "D" }
local threads = 0
local headers = {
  ["Content-Type"] = "application/json",
  ["X-CSRF-Token"] = token,
  ["Cookie"] = "certprep_csrf=" .. token,
}

setup = function(thread)
  thread:set("share", threads)
  threads = threads + 1
end

local counter = 0
local first, size = 1, #ids

init = function(args)
  local count = 2  -- wrk -t2 in web_load.py
  size = math.floor(#ids / count)
  first = (share or 0) * size + 1
end

request = function()
  counter = counter + 1
  local id = ids[first + (counter % size)]
  local path = "/api/attempts/" .. id .. "/questions/" .. math.random(1, 75) .. "/answer"
  local body = '{"choice":["' .. letters[math.random(1, 4)] .. '"]}'
  return wrk.format("PUT", path, headers, body)
end
