#!/bin/bash
# The first daily light run over a region-sized database, and what a write costs while it
# runs (see BENCHMARKS.md). One `qidi serve` on a fresh database holding the demo banner
# and `qidi demo --projects N`: its first light run announces every lit clock. Meanwhile a
# sign-in (a write: it stores a session) is made every half second and timed; then the
# same number of sign-ins after the run, on the same server, is the baseline.
# Build first: cargo build --release -p qidi
# Usage: scripts/bench-light-run.sh [N]   (default 1000000)
#   QIDI_BENCH_ENGINE=sqlite|postgres  QIDI_BENCH_PG=postgres://postgres@127.0.0.1:5432
set -euo pipefail
cd "$(dirname "$0")/.."
Q=$PWD/target/release/qidi
[ -x "$Q" ] || { echo "build first: cargo build --release -p qidi" >&2; exit 1; }
N=${1:-1000000}
ENGINE=${QIDI_BENCH_ENGINE:-sqlite}
PG=${QIDI_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${QIDI_BENCH_PORT:-18572}
T=$(mktemp -d)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  rm -rf "$T"
  [ "$ENGINE" = postgres ] && psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS qidi_bench_lights" >/dev/null 2>&1 || true
}
trap cleanup EXIT
case $ENGINE in
  sqlite) URL="sqlite://$T/q.db"; sql() { sqlite3 "$T/q.db" "$1"; } ;;
  postgres)
    psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS qidi_bench_lights" -c "CREATE DATABASE qidi_bench_lights" >/dev/null
    URL="$PG/qidi_bench_lights"; sql() { psql -qAt "$PG/qidi_bench_lights" -c "$1"; } ;;
esac
export QIDI_DATABASE_URL=$URL QIDI_DATA_DIR=$T/data QIDI_LOGIN_RATE=0
$Q demo >/dev/null 2>&1
/usr/bin/time -f "generated $N projects in %e s" $Q demo --projects "$N" 2>&1 >/dev/null | grep -E '^generated' >&2
echo 'Bench-Passw0rd-2026!' | $Q user add bench_office --role office --department fgw --password-stdin >/dev/null 2>&1
sql "UPDATE users SET must_change_password = FALSE WHERE username = 'bench_office'" >/dev/null

# One sign-in: "seconds status".
sign_in() {
  curl -s -o /dev/null -w '%{time_total} %{http_code}\n' -H 'Content-Type: application/json' \
    -d '{"username":"bench_office","password":"Bench-Passw0rd-2026!"}' "http://127.0.0.1:$PORT/api/v1/login"
}
finished() { [ -n "$(sql "SELECT 1 FROM job_runs WHERE job = 'lights' AND summary <> '{}'")" ]; }

$Q serve --listen "127.0.0.1:$PORT" >"$T/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
start=$(date +%s)
: >"$T/during"
until finished; do
  sign_in >>"$T/during"
  sleep 0.5
done
echo "first light run: $(sql "SELECT summary FROM job_runs WHERE job = 'lights'") in about $(($(date +%s) - start)) s" >&2
: >"$T/after"
for _ in $(seq 1 "$(wc -l <"$T/during")"); do sign_in >>"$T/after"; sleep 0.1; done

report() { # NAME FILE
  local n bad med max
  n=$(wc -l <"$2")
  bad=$(awk '$2 != 200' "$2" | wc -l)
  read -r med max <<<"$(awk '{ print $1 * 1000 }' "$2" | sort -n |
    awk '{ a[NR] = $1 } END { printf "%.1f %.1f", a[int((NR + 1) / 2)], a[NR] }')"
  echo "| $ENGINE | $1 | $n | $bad | $med | $max |"
}
echo "| engine | sign-ins | count | failed | median ms | max ms |"
echo "|---|---|---|---|---|---|"
report "during the first light run" "$T/during"
report "after it (baseline)" "$T/after"
