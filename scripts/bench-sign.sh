#!/usr/bin/env bash
# Signing a region's department ledger, and confirming its changes, on SQLite: how long the
# work takes to be stored, what the request answers, and the server's peak memory.
#
#   scripts/bench-sign.sh DATA_DIR confirm|sign|page
#
# DATA_DIR holds a generated database (`QIDI_DATA_DIR=DATA_DIR qidi demo` and then
# `qidi demo --projects 999535`); it is copied first, and the copy is measured and removed.
# `confirm`: fgw's head confirms the changes to fgw's signed ledger (the generator leaves
# nearly every line of the region a change to it). `sign`: fgw's ledger is made unsigned in
# the copy (its versions, signatures, change sets and baseline rows deleted, their guards
# dropped), then fgw's head signs it whole and the leader signs second, which fixes it and
# writes its baseline. `page`: fgw's head reads fgw's department ledger page once, and nothing
# else; run it on a copy kept after `sign` (QIDI_BENCH_KEEP_COPY=1), where fgw's signed content
# is the region's whole ledger.
#
# QIDI_BENCH_CHANGE=N: before the server starts, the responsible person of N of fgw's pending
# items is changed in the copy: with `confirm` on a copy kept after `sign`, N changes are
# confirmed against a signed content of the region's whole ledger.
# QIDI_BENCH_BIN: the binary (default target/release/qidi); QIDI_BENCH_PORT (18572);
# QIDI_BENCH_COPY: where the copy goes (default DATA_DIR.copy); QIDI_BENCH_KEEP_COPY=1 keeps it
# (SQLite) once measured.
# On PostgreSQL: QIDI_BENCH_PG_DB=NAME names the generated database (on QIDI_BENCH_PG,
# default postgres://postgres@127.0.0.1:5432), and DATA_DIR its data directory (field key);
# the database is copied as a template to NAME_copy, measured and dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
Q=${QIDI_BENCH_BIN:-$PWD/target/release/qidi}
SRC=${1:?DATA_DIR}
MODE=${2:?confirm or sign}
PORT=${QIDI_BENCH_PORT:-18572}
T=${QIDI_BENCH_COPY:-$SRC.copy}
B="http://127.0.0.1:$PORT"
# shellcheck source=scripts/bench-lib.sh
source scripts/bench-lib.sh
SERVER=
PGDB=${QIDI_BENCH_PG_DB:-}
PG=${QIDI_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  [ -n "$SERVER" ] && wait "$SERVER" 2>/dev/null || true
  [ -z "${QIDI_BENCH_KEEP_COPY:-}" ] && rm -rf "$T"
  [ -n "$PGDB" ] && psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS ${PGDB}_copy WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

rm -rf "$T"
cp -r "$SRC" "$T"
export QIDI_DATA_DIR=$T
if [ -n "$PGDB" ]; then
  psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS ${PGDB}_copy" -c "CREATE DATABASE ${PGDB}_copy TEMPLATE $PGDB" >/dev/null
  export QIDI_DATABASE_URL=$PG/${PGDB}_copy
  sql() { psql -qAt "$QIDI_DATABASE_URL" -c "$1"; }
else
  sql() { sqlite3 "$T/qidi.db" "$1"; }
fi
FGW=$(sql "SELECT id FROM departments WHERE code = 'fgw' ORDER BY region_code LIMIT 1")
if [ "$MODE" = sign ]; then
  start=$(date +%s)
  # The guards that keep the record, dropped in the copy only.
  if [ -n "$PGDB" ]; then
    for t in baseline_items:baseline_items_no_delete ledger_versions:ledger_versions_frozen \
      ledger_signatures:ledger_signatures_frozen ledger_change_sets:ledger_change_sets_frozen \
      ledger_change_signatures:ledger_change_signatures_frozen ledger_text_parts:ledger_text_parts_frozen; do
      sql "DROP TRIGGER IF EXISTS ${t#*:} ON ${t%%:*}" >/dev/null 2>&1 || true
    done
  else
    for g in baseline_items_no_delete ledger_versions_kept ledger_signatures_kept ledger_change_sets_kept \
      ledger_change_signatures_kept ledger_text_parts_kept; do
      sql "DROP TRIGGER IF EXISTS $g" >/dev/null
    done
  fi
  # A database written since migration 0037 keeps the signed texts in parts.
  if [ -n "$(sql "SELECT 1 FROM ledger_text_parts LIMIT 1" 2>/dev/null || true)" ]; then
    sql "DELETE FROM ledger_text_parts WHERE owner_id IN (SELECT id FROM ledger_versions WHERE department_id = '$FGW')
           OR owner_id IN (SELECT id FROM ledger_change_sets WHERE department_id = '$FGW')" >/dev/null
  fi
  # Two statements, not one with OR: PostgreSQL would scan the second list once per row.
  sql "DELETE FROM baseline_items WHERE ledger_version_id IN (SELECT id FROM ledger_versions WHERE department_id = '$FGW');
       DELETE FROM baseline_items WHERE pending_item_id IN (SELECT i.id FROM pending_items i JOIN projects p ON p.id = i.project_id
                                WHERE p.initiating_department_id = '$FGW');
       DELETE FROM ledger_change_signatures WHERE ledger_version_id IN (SELECT id FROM ledger_versions WHERE department_id = '$FGW');
       DELETE FROM ledger_change_sets WHERE ledger_version_id IN (SELECT id FROM ledger_versions WHERE department_id = '$FGW');
       DELETE FROM ledger_signatures WHERE ledger_version_id IN (SELECT id FROM ledger_versions WHERE department_id = '$FGW');
       DELETE FROM ledger_versions WHERE department_id = '$FGW';" >/dev/null
  [ -n "$PGDB" ] && sql "VACUUM ANALYZE" >/dev/null
  echo "fgw's ledger made unsigned in $(($(date +%s) - start)) s" >&2
fi
if [ -n "${QIDI_BENCH_CHANGE:-}" ]; then
  sql "UPDATE pending_items SET responsible_person = 'bench-changed' WHERE id IN (SELECT i.id FROM pending_items i
         JOIN projects p ON p.id = i.project_id WHERE p.initiating_department_id = '$FGW' AND i.status = 'pending'
         ORDER BY i.id LIMIT ${QIDI_BENCH_CHANGE})" >/dev/null
  echo "${QIDI_BENCH_CHANGE} of fgw's items changed" >&2
fi
for r in "fgw_head department_head fgw" "leader leader -"; do
  read -r name role dept <<<"$r"
  args=(--role "$role")
  [ "$dept" != - ] && args+=(--department "$dept")
  echo 'Bench-Passw0rd-2026!' | $Q user add "bench_$name" "${args[@]}" --password-stdin >/dev/null 2>&1 || true
done
sql "UPDATE users SET must_change_password = FALSE WHERE username LIKE 'bench_%'" >/dev/null

$Q serve --listen "127.0.0.1:$PORT" >"$T/serve.log" 2>&1 &
SERVER=$!
await_server

ledger() { # TOKEN -> the department ledger's JSON, once read
  local location
  location=$(curl -s -H "Cookie: qidi_session=$1" "$B/api/v1/ledger/departments/fgw?limit=1" |
    python3 -c 'import json,sys; j=json.load(sys.stdin); print(j.get("location", ""))')
  if [ -z "$location" ]; then
    curl -s -H "Cookie: qidi_session=$1" "$B/api/v1/ledger/departments/fgw?limit=1"
    return
  fi
  while :; do
    sleep 2
    out=$(curl -s -w '\n%{http_code}' -H "Cookie: qidi_session=$1" "$B$location")
    [ "$(tail -1 <<<"$out")" = 200 ] && { head -n -1 <<<"$out"; return; }
  done
}

act() { # TOKEN PATH HASH TABLE: POST the signature; wait until TABLE has one more row
  local before after began answer
  before=$(sql "SELECT COUNT(*) FROM $4")
  locked=$(grep -c "database is locked" "$T/serve.log" || true)
  failed=$(grep -c "signature was \(not stored\|refused\)" "$T/serve.log" || true)
  began=$(date +%s.%N)
  # 503: the server is still finishing the work before (one at a time on SQLite); again.
  for _ in $(seq 1 60); do
    answer=$(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' -H "Cookie: qidi_session=$1" \
      -H 'Content-Type: application/json' \
      -d "{\"capacity\":\"$5\",\"hash\":\"$3\",\"confirm_missing_checks\":true}" "$B$2")
    [ "${answer%% *}" != 503 ] && break
    sleep 1
  done
  # 202: the work goes on; wait for it to be stored (or to fail). Any other answer is final.
  after=$(sql "SELECT COUNT(*) FROM $4")
  if [ "${answer%% *}" = 202 ]; then
    for _ in $(seq 1 1800); do
      after=$(sql "SELECT COUNT(*) FROM $4" 2>/dev/null || echo "$before")
      [ "$after" -gt "$before" ] && break
      [ "$(grep -c "signature was \(not stored\|refused\)" "$T/serve.log" || true)" -gt "$failed" ] && break
      sleep 1
    done
  fi
  printf '%s %s: answered %s; stored after %.1f s (%s → %s rows); "database is locked" logged %s times meanwhile\n' \
    "$5" "$2" "$answer" "$(python3 -c "print($(date +%s.%N) - $began)")" "$before" "$after" \
    "$(($(grep -c "database is locked" "$T/serve.log" || true) - locked))"
}

HEAD=$(login bench_fgw_head)
if [ "$MODE" = page ]; then
  began=$(date +%s.%N)
  ledger "$HEAD" | python3 -c 'import json,sys; j=json.load(sys.stdin); print("page:", j["items"], "lines,", j["changes_total"], "changes")'
  printf 'read in %.1f s\n' "$(python3 -c "print($(date +%s.%N) - $began)")"
elif [ "$MODE" = confirm ]; then
  HASH=$(ledger "$HEAD" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["change_set"]["hash"], j["changes_total"])')
  echo "change set: $HASH" >&2
  act "$HEAD" /api/v1/ledger/departments/fgw/changes/sign "${HASH%% *}" ledger_change_signatures department_head
else
  HASH=$(ledger "$HEAD" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["current_hash"], j["items"])')
  echo "ledger: $HASH" >&2
  act "$HEAD" /api/v1/ledger/departments/fgw/sign "${HASH%% *}" ledger_signatures department_head
  LEADER=$(login bench_leader)
  act "$LEADER" /api/v1/ledger/departments/fgw/sign "${HASH%% *}" ledger_signatures leader
  echo "baseline rows of fgw's version: $(sql "SELECT COUNT(*) FROM baseline_items b JOIN ledger_versions v ON v.id = b.ledger_version_id WHERE v.department_id = '$FGW'")"
fi
grep -h "signature was \(not stored\|refused\)" "$T/serve.log" | tail -3 >&2 || true
echo "server peak RSS: $(awk '/VmHWM/ { printf "%d MiB", $2 / 1024 }' "/proc/$SERVER/status")"
