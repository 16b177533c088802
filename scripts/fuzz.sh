#!/usr/bin/env bash
# Fuzz qidi's parsers of outside input for a bounded time each (default 60 s):
#   scripts/fuzz.sh [SECONDS] [TARGET…]
# Targets: ledger_import (any bytes as an uploaded ledger), project_code, file_name.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). It builds with a nightly
# toolchain when rustup has one, else with the stable compiler in bootstrap mode
# (libFuzzer's sanitizer flags are unstable). Crashes are kept under fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(project_code file_name ledger_import)
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2; exit 2; }
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi
mkdir -p corpus
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  # The seeds committed under seeds/ start each run; what the run adds stays local.
  [ -d "seeds/$t" ] && cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
  echo "== $t for ${seconds}s"
  log="corpus/$t.log"
  status=0
  "${fuzz[@]}" run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=1048576 >"$log" 2>&1 || status=$?
  grep -E '^(==[0-9]+==|SUMMARY|thread|artifact_prefix|Test unit written)|panicked' "$log" || true
  tail -n 1 "$log"
  [ "$status" -eq 0 ] || { echo "$t failed (exit $status): see fuzz/$log and fuzz/artifacts/$t" >&2; exit 1; }
done
