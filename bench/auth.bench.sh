# Sourced by scripts/bench.sh: what signing in costs a read. GET /notes/{id} under wrk (bench/read-one.lua) on two
# processes of the API that run side by side: one open, one with a bearer scheme whose keys come from an OpenID Connect
# provider on loopback (bench/issuer.py: discovery document, JWKS, RS256), every request with the same token. Each is
# warmed up as any process just started (BENCH_FRESH_WARMUP), then both are measured in BENCH_AUTH_PAIRS pairs (30) of
# runs of BENCH_AUTH_SECONDS (2), open and signed in back to back (which goes first alternates). The ratio is the median
# of the pairs' ratios, which neither a drift in the machine's speed over the phase nor a burst of noise in one run
# moves far. Why so many pairs: on a machine of two cores, two open processes measured this way had the middle half of
# their pairs' ratios from 0.91 to 1.09, so the median of 8 pairs could land 0.05 either side of the truth. Each run
# reads one note it created itself (signed in, with its token: notes are an owner's), on a copy of the main phase's
# seeded database. Goal: signed in at 0.9 of the open API's requests/s or more. BENCH_AUTH=0 leaves it out.
auth=${BENCH_AUTH:-1}
auth_pairs=${BENCH_AUTH_PAIRS:-30}
auth_seconds=${BENCH_AUTH_SECONDS:-2}
signed_in=() # the settings that start the API signed in (service_command's api-signed)

# The one note a run reads: created through TARGET (with TOKEN, if given), and read back 200.
auth_note() { # TARGET [TOKEN]
  local url
  url=$(url_of "$1")
  local -a header=()
  [ -z "${2:-}" ] || header=(-H "Authorization: Bearer $2")
  local id
  id=$(curl -fsS "${header[@]}" -H 'Content-Type: application/json' --data '{"text":"Benchmark note, signed in"}' \
    "$url/notes" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') \
    || die "POST /notes failed on $1"
  curl -fsS -o /dev/null "${header[@]}" "$url/notes/$id" || die "GET /notes/$id failed on $1"
  echo "$id"
}

phase_auth() {
  [ "$auth" = 1 ] || { say "phase: signed in left out (BENCH_AUTH=0)"; return 0; }
  stop_all
  say "phase: GET /notes/{id} on the API open and on the API signed in (bearer tokens, RS256, keys from a provider on loopback), side by side, in pairs of short runs"
  local issuer_port token_file token open_id signed_id status
  record scenario auth auth "GET /notes/{id}" "$connections"
  issuer_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  token_file=$out/logs/bench-token
  /usr/bin/python3 bench/issuer.py "$issuer_port" "$token_file" 1800 >>"$out/logs/issuer.log" 2>&1 &
  pids[issuer]=$! # stopped with the services, whatever happens
  for _ in $(seq 1 50); do [ -s "$token_file" ] && break; sleep 0.2; done
  [ -s "$token_file" ] || die "the issuer did not start (log: $out/logs/issuer.log)"
  token=$(cat "$token_file")
  db_create auth_open seed
  db_create auth_signed seed
  # the API's standard section for a bearer scheme: what an OpenID Connect provider's users configure
  signed_in=(Authentication__Schemes__Bearer__Authority="http://127.0.0.1:$issuer_port"
    Authentication__Schemes__Bearer__ValidAudiences__0=notes-api
    Authentication__Schemes__Bearer__RequireHttpsMetadata=false)

  start api auth_open
  start api-signed auth_signed
  status=$(curl -sS -o /dev/null -w '%{http_code}' "$(url_of api-signed)/notes") || true
  [ "$status" = 401 ] || die "the API signed in answered $status without a token, not 401"
  open_id=$(auth_note api)
  signed_id=$(auth_note api-signed "$token")
  local -A note_of=([api]=$open_id [api-signed]=$signed_id) token_of=([api]="" [api-signed]=$token)
  local -a args=(-t"$threads" --timeout 10s --latency -c"$connections" -s bench/read-one.lua)
  local pair side ratios=() file
  for side in api api-signed; do
    BENCH_ID=${note_of[$side]} BENCH_TOKEN=${token_of[$side]} wrk "${args[@]}" -d"${fresh_warmup}s" "$(url_of "$side")/" >/dev/null
  done
  for pair in $(seq 1 "$auth_pairs"); do
    for side in $( ((pair % 2)) && echo "api api-signed" || echo "api-signed api"); do
      file=$raw/auth.$side-pair-$pair.$pass.wrk.txt
      BENCH_ID=${note_of[$side]} BENCH_TOKEN=${token_of[$side]} wrk "${args[@]}" -d"${auth_seconds}s" "$(url_of "$side")/" >"$file"
      record wrk auth "$side-pair-$pair" "$pass" "$connections" "$file"
    done
    ratios+=("$(rps_ratio "$raw/auth.api-signed-pair-$pair.$pass.wrk.txt" "$raw/auth.api-pair-$pair.$pass.wrk.txt")")
    say "    pair $pair: open $(summary "$raw/auth.api-pair-$pair.$pass.wrk.txt" | cut -d, -f1), signed in" \
      "$(summary "$raw/auth.api-signed-pair-$pair.$pass.wrk.txt" | cut -d, -f1): ${ratios[-1]}"
  done
  stop api
  stop api-signed
  stop issuer
  say "    signed in / open, the median of $auth_pairs pairs: $(printf '%s\n' "${ratios[@]}" | sort -n |
    awk '{v[NR]=$1} END {printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}') (goal: 0.9 or more)"
}

bench_phases+=(phase_auth)
