# Shared by the bench scripts (sourced): sign in to the server on 127.0.0.1:$PORT.

login() { # USERNAME -> session token (tried again while the server's start-up jobs write)
  local token
  for _ in $(seq 1 30); do
    token=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"username\":\"$1\",\"password\":\"Bench-Passw0rd-2026!\"}" "http://127.0.0.1:$PORT/api/v1/login" |
      sed -n 's/^[Ss]et-[Cc]ookie: qidi_session=\([^;]*\).*/\1/p' | head -1)
    [ -n "$token" ] && break
    sleep 1
  done
  echo "$token"
}

# Wait for the server to answer, then for its first daily light run (every lit clock is a
# change when there was no run before), so that nothing is measured against it. Uses the
# caller's `sql`.
await_server() {
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  local start
  start=$(date +%s)
  for _ in $(seq 1 1800); do
    [ -n "$(sql "SELECT summary FROM job_runs WHERE job = 'lights' AND summary <> '{}'")" ] && break
    sleep 1
  done
  echo "first light run: $(sql "SELECT summary FROM job_runs WHERE job = 'lights'"), waited $(($(date +%s) - start)) s" >&2
}

# A new, empty database for $ENGINE: the SQLite file FILE, or the PostgreSQL database NAME
# on $PG, made anew. Sets URL.
new_database() { # FILE NAME
  case $ENGINE in
    sqlite) rm -f "$1"*; URL="sqlite://$1" ;;
    postgres)
      psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2" >/dev/null
      URL="$PG/$2" ;;
  esac
}
