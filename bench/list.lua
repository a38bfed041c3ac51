-- GET /notes?skip=&take=20: full pages from anywhere in the notes the run seeded, as the seed's clients page.
local notes = tonumber(os.getenv("BENCH_NOTES") or "2000")
math.randomseed(42)
request = function()
  return wrk.format("GET", "/notes?skip=" .. math.random(0, notes - 20) .. "&take=20")
end
