-- GET /notes/{id}: ids spread over the notes the run seeded (1..BENCH_NOTES).
local notes = tonumber(os.getenv("BENCH_NOTES") or "2000")
math.randomseed(42)
request = function()
  return wrk.format("GET", "/notes/" .. math.random(1, notes))
end
