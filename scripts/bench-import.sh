#!/bin/bash
# The whole `qidi import ledger` of a 100,000-row ledger against calamine alone reading the
# same file, in the same run (see BENCHMARKS.md). Build first:
#   cargo build --release -p qidi && cargo bench -p qidi-office --bench ledger --no-run
# PostgreSQL: QIDI_BENCH_PG (default postgres://postgres@127.0.0.1:5432) gets a scratch
# database qidi_bench, dropped at the end. QIDI_BENCH_ROWS (default 100000) is the
# ledger's number of item rows, three to a project (300000: 100,000 projects).
set -euo pipefail
cd "$(dirname "$0")/.."
B=$(ls -t target/release/deps/ledger-* | grep -v '\.d$' | head -1)
Q=target/release/qidi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
F=$T/ledger.xlsx
PG=${QIDI_BENCH_PG:-postgres://postgres@127.0.0.1:5432}

$B gen "${QIDI_BENCH_ROWS:-100000}" "$F" >/dev/null
for _ in 1 2 3; do $B calamine "$F"; $B import "$F"; done

timed() { /usr/bin/time -f "RESULT $1 seconds=%e maxrss_kib=%M" "${@:2}" 2>&1 >/dev/null | grep RESULT; }
for _ in 1 2 3; do
  rm -f "$T"/q.db*
  $Q --database-url "sqlite://$T/q.db" migrate >/dev/null 2>&1
  timed qidi-sqlite $Q --database-url "sqlite://$T/q.db" import ledger "$F"
done
timed qidi-sqlite-again $Q --database-url "sqlite://$T/q.db" import ledger "$F"

for _ in 1 2; do
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS qidi_bench" -c "CREATE DATABASE qidi_bench" 2>/dev/null
  $Q --database-url "$PG/qidi_bench" migrate >/dev/null 2>&1
  timed qidi-postgres $Q --database-url "$PG/qidi_bench" import ledger "$F"
done
psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS qidi_bench" 2>/dev/null

# The floor: the sqlite3 shell copying the imported rows into an empty database of the
# same schema (indexes, triggers, foreign keys on), in one transaction.
sqlite3 "$T/q.db" .schema | sqlite3 "$T/floor.db"
cat > "$T/floor.sql" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA foreign_keys=ON;
PRAGMA cache_size=-65536;
ATTACH '$T/q.db' AS old;
INSERT INTO regions SELECT * FROM old.regions;
INSERT INTO departments SELECT * FROM old.departments;
INSERT INTO item_types SELECT * FROM old.item_types;
INSERT INTO owners SELECT * FROM old.owners;
.timer on
BEGIN;
INSERT INTO projects SELECT * FROM old.projects;
INSERT INTO pending_items SELECT * FROM old.pending_items;
INSERT INTO events SELECT * FROM old.events WHERE action = 'project.import';
COMMIT;
SQL
sqlite3 "$T/floor.db" < "$T/floor.sql" | awk '/^Run Time/ { s += $4 } END { printf "RESULT sqlite-floor seconds=%.3f\n", s }'
