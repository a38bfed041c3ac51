-- GET /notes/{id} for ids spread over the first 1000 notes (made by the create run).
math.randomseed(42)
request = function()
  return wrk.format("GET", "/notes/" .. math.random(1, 1000))
end
