-- GET /notes/{id} for ids read from the file named by NOTES_BENCH_IDS (one a line): notes that exist, whichever
-- instance's HiLo block they came from.
local ids = {}
for line in io.lines(os.getenv("NOTES_BENCH_IDS")) do
  ids[#ids + 1] = line
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/notes/" .. ids[(n * 7919) % #ids + 1])
end
