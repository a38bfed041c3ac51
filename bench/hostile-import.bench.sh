# Sourced by scripts/bench.sh: what a hostile import costs the API in memory (bench/hostile_import.py), once the
# services of the other phases are stopped: a body of BENCH_HOSTILE_MIB MiB (default 256) of notes that break a rule,
# and one of good notes padded with a large unknown member. Goal: the peak RSS raised by less than 64 MiB.
hostile_mib=${BENCH_HOSTILE_MIB:-256}

phase_hostile_import() {
  [ "$hostile_mib" -gt 0 ] || { say "phase: hostile imports left out (BENCH_HOSTILE_MIB=0)"; return 0; }
  stop_all
  say "phase: hostile imports of $hostile_mib MiB: the API's peak RSS before and after"
  local line
  while read -r line; do
    say "    $line"
    record hostile "$line"
  done < <(/usr/bin/python3 bench/hostile_import.py --no-build --mib "$hostile_mib" --kind empty --kind padded)
}

bench_phases+=(phase_hostile_import)
