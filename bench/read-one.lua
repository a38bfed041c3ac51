-- GET /notes/{id}: ids spread over the notes the run seeded (1..BENCH_NOTES), or the one note BENCH_ID (which a
-- signed-in run created with its own token); with BENCH_TOKEN, sent as Authorization: Bearer.
local notes = tonumber(os.getenv("BENCH_NOTES") or "2000")
local id = tonumber(os.getenv("BENCH_ID") or "")
local token = os.getenv("BENCH_TOKEN") or ""
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
if id then
  -- One request, which wrk builds once: built per request, a token's length would cost wrk, on the API's cores,
  -- time that is no part of what the API does.
  wrk.path = "/notes/" .. id
else
  math.randomseed(42)
  request = function()
    return wrk.format("GET", "/notes/" .. math.random(1, notes))
  end
end
