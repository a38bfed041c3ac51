-- PUT /notes/{id} (no If-Match: last writer wins) over the first 1000 notes.
math.randomseed(7)
request = function()
  return wrk.format("PUT", "/notes/" .. math.random(1, 1000), { ["Content-Type"] = "application/json" },
    '{"text":"Benchmark note, edited","completed":true}')
end
