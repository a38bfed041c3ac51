-- PUT /notes/{id} without If-Match (the last writer wins) over the notes the run seeded.
local notes = tonumber(os.getenv("BENCH_NOTES") or "2000")
math.randomseed(7)
request = function()
  return wrk.format("PUT", "/notes/" .. math.random(1, notes), { ["Content-Type"] = "application/json" },
    '{"text":"Benchmark note, edited","completed":true}')
end
