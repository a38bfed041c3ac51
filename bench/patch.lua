-- PATCH /notes/{id}: a JSON merge patch of the completed flag, without If-Match, over the notes the run seeded.
local notes = tonumber(os.getenv("BENCH_NOTES") or "2000")
local bodies = { '{"completed":true}', '{"completed":false}' }
math.randomseed(11)
request = function()
  return wrk.format("PATCH", "/notes/" .. math.random(1, notes), { ["Content-Type"] = "application/merge-patch+json" },
    bodies[math.random(1, 2)])
end
