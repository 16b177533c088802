#!/bin/bash
# Region scale (see BENCHMARKS.md): the same routes of one `qidi serve` at several sizes,
# on SQLite and on PostgreSQL, in one run. For each size and engine:
#   - a fresh database with the demo banner (465 projects), plus `qidi demo --projects N`
#     generated projects for the larger sizes;
#   - one account per role (bench_*), signed in through the API;
#   - each route requested over one connection for a few seconds (wrk), latency median
#     and 99th percentile, against /api/v1/me and /healthz on the same server;
#   - throughput of the project page against /healthz under the same load (16 connections);
#   - the server's peak memory (VmHWM) after that load, and again after a department's
#     ledger page (measured last, as its memory may be the largest).
# Build first: cargo build --release --workspace
# Usage: scripts/bench-scale.sh [SIZES...]   (default: 465 100000)
#   QIDI_BENCH_ENGINES="sqlite postgres"  QIDI_BENCH_PG=postgres://postgres@127.0.0.1:5432
#   QIDI_BENCH_SECONDS=3 (per route)  QIDI_BENCH_KEEP=DIR (keep the SQLite files there, and
#   the PostgreSQL databases as qidi_bench_SIZE)  QIDI_BENCH_REUSE=1 (with KEEP: measure a
#   kept database again instead of making it anew)  QIDI_BENCH_BIN=PATH (another qidi binary,
#   such as a baseline build, served on the same kept databases)
#   QIDI_BENCH_LEDGER=FILE.xlsx: for sizes above 465, `qidi import ledger FILE` instead of the
#   generator (the size is then what the file holds; the office bench writes one:
#   target/release/deps/ledger-* gen 300000 FILE makes 100,000 projects). When one of the
#   sizes is the word `ledger`, that size alone imports the file and the others are
#   generated: `scripts/bench-scale.sh 465 ledger 1000000` measures all three in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
Q=${QIDI_BENCH_BIN:-$PWD/target/release/qidi}
[ -x "$Q" ] || { echo "build first: cargo build --release --workspace" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
SIZES=("${@:-465 100000}")
read -r -a SIZES <<<"${SIZES[*]}"
IMPORT_ALL=1
for s in "${SIZES[@]}"; do [ "$s" = ledger ] && IMPORT_ALL=; done
if [ -z "$IMPORT_ALL" ] && [ -z "${QIDI_BENCH_LEDGER:-}" ]; then
  echo "the size 'ledger' needs QIDI_BENCH_LEDGER=FILE.xlsx" >&2
  exit 1
fi
ENGINES=${QIDI_BENCH_ENGINES:-sqlite postgres}
PG=${QIDI_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
SECS=${QIDI_BENCH_SECONDS:-3}
PORT=${QIDI_BENCH_PORT:-18571}
T=${QIDI_BENCH_KEEP:-$(mktemp -d)}
mkdir -p "$T"
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  if [ -z "${QIDI_BENCH_KEEP:-}" ]; then
    rm -rf "$T"
    psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS qidi_bench" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

sql() { # run SQL on the bench database
  case $ENGINE in
    sqlite) sqlite3 "$T/q-$SIZE.db" "$1" ;;
    postgres) psql -qAt "$PG/$PGDB" -c "$1" ;;
  esac
}

# median and p99 latency (ms) and requests/s of one route over one connection
measure() { # NAME COOKIE URL
  local out
  out=$(wrk -t1 -c1 -d"${SECS}s" --timeout 60s --latency ${2:+-H "Cookie: qidi_session=$2"} "$3" 2>&1)
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' ${2:+-H "Cookie: qidi_session=$2"} "$3")
  echo "$out" | awk -v name="$1" -v engine="$ENGINE" -v size="$COUNT" -v status="$status" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    END { printf "| %s | %s | %s | %s | %.2f | %.2f | %.0f |\n", engine, size, name, status, p50, p99, rps }'
}

# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh

echo "| engine | projects | route | status | median ms | p99 ms | req/s (1 conn) |"
echo "|---|---|---|---|---|---|---|"
LOAD=()
for SIZE in "${SIZES[@]}"; do
  for ENGINE in $ENGINES; do
    PGDB=qidi_bench${QIDI_BENCH_KEEP:+_$SIZE}
    if [ -n "${QIDI_BENCH_REUSE:-}" ] && [ "$ENGINE" = sqlite ] && [ -f "$T/q-$SIZE.db" ]; then
      # QIDI_BENCH_REUSE=1 with QIDI_BENCH_KEEP: measure a kept database again (its first
      # light run was made by the run that kept it).
      export QIDI_DATABASE_URL="sqlite://$T/q-$SIZE.db" QIDI_DATA_DIR=$T/data-$ENGINE-$SIZE
      SKIP=1
    elif [ -n "${QIDI_BENCH_REUSE:-}" ] && [ "$ENGINE" = postgres ] &&
      [ "$(psql -qAt "$PG/postgres" -c "SELECT 1 FROM pg_database WHERE datname = '$PGDB'")" = 1 ]; then
      export QIDI_DATABASE_URL="$PG/$PGDB" QIDI_DATA_DIR=$T/data-$ENGINE-$SIZE
      SKIP=1
    else
      SKIP=
    fi
    if [ -z "$SKIP" ]; then
    new_database "$T/q-$SIZE.db" "$PGDB"
    export QIDI_DATABASE_URL=$URL QIDI_DATA_DIR=$T/data-$ENGINE-$SIZE
    $Q demo >/dev/null 2>&1
    if [ "$SIZE" = ledger ] || { [ -n "$IMPORT_ALL" ] && [ "$SIZE" -gt 465 ] && [ -n "${QIDI_BENCH_LEDGER:-}" ]; }; then
      /usr/bin/time -f "imported $QIDI_BENCH_LEDGER in %e s, peak %M KiB" $Q import ledger "$QIDI_BENCH_LEDGER" 2>&1 >/dev/null |
        grep -E '^imported' >&2
    elif [ "$SIZE" -gt 465 ]; then
      /usr/bin/time -f "generated $((SIZE - 465)) projects in %e s, peak %M KiB" $Q demo --projects $((SIZE - 465)) 2>&1 >/dev/null |
        grep -E '^generated' >&2
    fi
    for r in "office office fgw" "leader leader -" "fgw_head department_head fgw" "zrzy_handler handler zrzy" "inspector inspector -"; do
      read -r name role dept <<<"$r"
      args=(--role "$role")
      [ "$dept" != - ] && args+=(--department "$dept")
      echo 'Bench-Passw0rd-2026!' | $Q user add "bench_$name" "${args[@]}" --password-stdin >/dev/null 2>&1
    done
    echo 'Bench-Passw0rd-2026!' | $Q user add bench_applicant --role applicant \
      --owner "$(sql "SELECT o.name FROM owners o JOIN projects p ON p.owner_id = o.id GROUP BY o.name ORDER BY COUNT(*) DESC LIMIT 1")" \
      --password-stdin >/dev/null 2>&1
    sql "UPDATE users SET must_change_password = FALSE WHERE username LIKE 'bench_%'" >/dev/null
    # What autovacuum does after a bulk load, at once (the generator does it too).
    [ "$ENGINE" = postgres ] && sql "VACUUM ANALYZE" >/dev/null
    fi
    COUNT=$(sql "SELECT COUNT(*) FROM projects")
    read -r PID CODE <<<"$(sql "SELECT id || ' ' || code FROM projects ORDER BY code LIMIT 1 OFFSET $((COUNT / 2))")"
    APP=$(sql "SELECT id FROM applications ORDER BY id LIMIT 1")
    FGW=$(sql "SELECT id FROM departments WHERE code = 'fgw' ORDER BY region_code LIMIT 1")

    QIDI_PUBLIC_RATE=100000000 QIDI_SEARCH_RATE=100000000 $Q serve --listen "127.0.0.1:$PORT" >"$T/serve.log" 2>&1 &
    SERVER=$!
    # Its first light run's memory is in the peak RSS below.
    await_server
    declare -A TOKEN=()
    for u in office leader fgw_head zrzy_handler inspector applicant; do TOKEN[$u]=$(login "bench_$u"); done
    B="http://127.0.0.1:$PORT"
    O=${TOKEN[office]}
    measure "/healthz" "" "$B/healthz"
    measure "/api/v1/me" "$O" "$B/api/v1/me"
    measure "/api/v1/projects/{id}" "$O" "$B/api/v1/projects/$PID"
    measure "/projects/{id}" "$O" "$B/projects/$PID"
    measure "/public/projects/{code}" "" "$B/public/projects/$CODE"
    [ -n "$APP" ] && measure "/applications/{id}" "$O" "$B/applications/$APP"
    measure "/api/v1/summary" "$O" "$B/api/v1/summary"
    for u in office leader fgw_head zrzy_handler inspector applicant; do measure "/ ($u)" "${TOKEN[$u]}" "$B/"; done
    measure "/ledger/banner" "$O" "$B/ledger/banner"
    measure "/projects?page=1000" "$O" "$B/projects?page=1000"
    measure "/projects?after=… (key)" "$O" "$B/projects?after=152529/$CODE"
    measure "/public" "" "$B/public"
    # The filtered library: common filters fill a page in the first window; a word
    # found nowhere looks at every window a request may read.
    measure "/projects?light=red" "$O" "$B/projects?light=red"
    measure "/projects?year=2019&stage=…" "$O" "$B/projects?year=2019&stage=not_started"
    measure "/projects?department=fgw" "$O" "$B/projects?department=$FGW"
    measure "/projects?q=(whole code)" "$O" "$B/projects?q=$CODE"
    measure "/projects?q=(no match)" "$O" "$B/projects?q=%E6%97%A0%E6%AD%A4%E9%A1%B9%E7%9B%AE"
    # A department's own library: its scope, in library order.
    measure "/projects (zrzy_handler)" "${TOKEN[zrzy_handler]}" "$B/projects"
    measure "/projects (fgw_head)" "${TOKEN[fgw_head]}" "$B/projects"
    measure "/projects?light=red (zrzy_handler)" "${TOKEN[zrzy_handler]}" "$B/projects?light=red"
    measure "/projects?q=(no match) (zrzy_handler)" "${TOKEN[zrzy_handler]}" "$B/projects?q=%E6%97%A0%E6%AD%A4%E9%A1%B9%E7%9B%AE"
    # Throughput under the same load: 16 connections, the project page against /healthz.
    h=$(wrk -t2 -c16 -d"${SECS}s" "$B/healthz" | awk '/^Requests\/sec/ { print $2 }')
    p=$(wrk -t2 -c16 -d"${SECS}s" -H "Cookie: qidi_session=$O" "$B/projects/$PID" | awk '/^Requests\/sec/ { print $2 }')
    rss=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER/status")
    # A department's ledger page, last: every line of its ledger is read for the hash its
    # signatories sign (seconds, and hundreds of MiB, when one department holds 200,000
    # lines), so its memory is read apart from the routes' and the load's above.
    measure "/ledger/departments/fgw (fgw_head)" "${TOKEN[fgw_head]}" "$B/ledger/departments/fgw"
    dept_rss=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER/status")
    LOAD+=("| $ENGINE | $COUNT | $h | $p | $(awk -v a="$p" -v b="$h" 'BEGIN { printf "%.2f", a / b }') | $((rss / 1024)) | $((dept_rss / 1024)) |")
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=
  done
done
echo
echo "| engine | projects | /healthz req/s (16 conn) | /projects/{id} req/s (16 conn) | ratio | server peak RSS MiB | after a department's ledger page |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${LOAD[@]}"
