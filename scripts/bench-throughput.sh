#!/bin/bash
# Throughput of the project page against /healthz (see BENCHMARKS.md, region scale): one or
# more qidi binaries served in turn on the same demo database (465 projects), each round
# a new server per binary, then `wrk -t2 -c16` for a few seconds on /healthz, /api/v1/me,
# /api/v1/projects/{id} and /projects/{id} as the office. Binaries alternate within a
# round, so that a baseline and a change are measured under the same noise.
# The first binary makes the database; the others must accept its migrations (an older
# binary ignores a newer one's, but two builds that differ in one migration cannot share).
# Build first: cargo build --release -p qidi
# Usage: scripts/bench-throughput.sh [BINARY...]   (default: target/release/qidi)
#   QIDI_BENCH_ENGINES="sqlite postgres"  QIDI_BENCH_PG=postgres://postgres@127.0.0.1:5432
#   QIDI_BENCH_ROUNDS=3  QIDI_BENCH_SECONDS=4 (per route)
set -euo pipefail
cd "$(dirname "$0")/.."
BINS=("${@:-$PWD/target/release/qidi}")
for b in "${BINS[@]}"; do [ -x "$b" ] || { echo "not a binary: $b (cargo build --release -p qidi)" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
ENGINES=${QIDI_BENCH_ENGINES:-sqlite postgres}
PG=${QIDI_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
ROUNDS=${QIDI_BENCH_ROUNDS:-3}
SECS=${QIDI_BENCH_SECONDS:-4}
PORT=${QIDI_BENCH_PORT:-18573}
T=$(mktemp -d)
PGDB=qidi_bench_throughput
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  rm -rf "$T"
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $PGDB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

sql() {
  case $ENGINE in
    sqlite) sqlite3 "$T/q.db" "$1" ;;
    postgres) psql -qAt "$PG/$PGDB" -c "$1" ;;
  esac
}
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

rps() { # COOKIE URL -> requests a second under 16 connections
  wrk -t2 -c16 -d"${SECS}s" ${1:+-H "Cookie: qidi_session=$1"} "$2" | awk '/^Requests\/sec/ { print $2 }'
}

echo "| engine | round | binary | /healthz | /api/v1/me | /api/v1/projects/{id} | /projects/{id} | page / /healthz |"
echo "|---|---|---|---|---|---|---|---|"
for ENGINE in $ENGINES; do
  new_database "$T/q.db" "$PGDB"
  export QIDI_DATABASE_URL=$URL QIDI_DATA_DIR=$T/data-$ENGINE
  "${BINS[0]}" demo >/dev/null 2>&1
  echo 'Bench-Passw0rd-2026!' | "${BINS[0]}" user add bench_office --role office --department fgw --password-stdin >/dev/null 2>&1
  sql "UPDATE users SET must_change_password = FALSE WHERE username = 'bench_office'" >/dev/null
  [ "$ENGINE" = postgres ] && sql "VACUUM ANALYZE" >/dev/null
  PID=$(sql "SELECT id FROM projects ORDER BY code LIMIT 1 OFFSET 232")
  for round in $(seq 1 "$ROUNDS"); do
    for b in "${BINS[@]}"; do
      QIDI_PUBLIC_RATE=100000000 QIDI_SEARCH_RATE=100000000 "$b" serve --listen "127.0.0.1:$PORT" >"$T/serve.log" 2>&1 &
      SERVER=$!
      await_server 2>/dev/null
      O=$(login bench_office)
      B="http://127.0.0.1:$PORT"
      h=$(rps "" "$B/healthz")
      m=$(rps "$O" "$B/api/v1/me")
      a=$(rps "$O" "$B/api/v1/projects/$PID")
      p=$(rps "$O" "$B/projects/$PID")
      echo "| $ENGINE | $round | $b | $h | $m | $a | $p | $(awk -v a="$p" -v b="$h" 'BEGIN { printf "%.3f", a / b }') |"
      kill "$SERVER"
      wait "$SERVER" 2>/dev/null || true
      SERVER=
    done
  done
done
