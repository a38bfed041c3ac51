-- POST /notes with a small note, as the seed's README sends it (a form content type, completed as a string).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = '{"text":"Benchmark note","completed":"false"}'
