-- wrk script: PUT an answer to a random question of one of the prepared attempts.
local ids = {}
for line in io.lines(os.getenv("CERTPREP_BENCH_ATTEMPTS")) do ids[#ids + 1] = line end
local token = os.getenv("CERTPREP_BENCH_CSRF")
local letters = { "A", "B", "C", "D" }
local counter = 0
local headers = {
  ["Content-Type"] = "application/json",
  ["X-CSRF-Token"] = token,
  ["Cookie"] = "certprep_csrf=" .. token,
}

request = function()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  local path = "/api/attempts/" .. id .. "/questions/" .. math.random(1, 75) .. "/answer"
  local body = '{"choice":["' .. letters[math.random(1, 4)] .. '"]}'
  return wrk.format("PUT", path, headers, body)
end
