-- POST /notes with a small JSON note, as the seed's clients send it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text":"Benchmark note","completed":"false"}'
