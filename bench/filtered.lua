-- GET /notes?completed=&q=&take=20: completed or not, with a word (the last one of a search matches as a prefix)
-- from the vocabulary of scripts/seed.py.
local words = { "buy", "milk", "call", "book", "train", "hotel", "email", "water", "plan", "walk", "read", "fix",
  "mil", "boo", "tra", "wri", "rep", "pas", "kit", "pla", "buy mil", "call ann", "pay ren", "walk do" }
math.randomseed(42)
request = function()
  local q = words[math.random(1, #words)]:gsub(" ", "%%20")
  local completed = math.random(0, 1) == 1 and "true" or "false"
  return wrk.format("GET", "/notes?completed=" .. completed .. "&q=" .. q .. "&take=20")
end
