#!/usr/bin/env bash
# The heaviest ledger the web accepts, uploaded while the server's memory is watched
# (issue 15, "imports that cannot take the server down").
#
# It writes an .xlsx under the web's 20 MB upload limit whose shared strings
# decompress to 120 MiB (SST_MIB), under their 128 MiB cap (text that compresses about
# 8:1, so the ratio cap of 250 lets it through), starts the release server on a fresh SQLite demo,
# and posts the file as a dry run: once alone, then N at once (QIDI_MAX_IMPORTS places,
# the rest refused). It prints the server's peak RSS (VmHWM) after each step.
#
#   scripts/bench-heavy-upload.sh [N]     (default N=3; needs a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-3}"
BIN=target/release/qidi
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }
WORK="$(mktemp -d /tmp/qidi-heavy.XXXXXX)"
trap 'kill "${PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=18093

python3 - "$WORK/heavy.xlsx" <<'PY'
import random, sys, zipfile
out = sys.argv[1]
rng = random.Random(7)
import os
# Names from a four-character alphabet compress about 8:1, so the strings fit under the upload
# limit while the ratio cap (250) lets them through. Only the first 20,000 are used by
# rows; a parser holds them all in memory regardless.
chars = "项目建设"
strings, size = [], 0
limit = int(os.environ.get("SST_MIB", "120")) * 1024 * 1024
while size < limit:
    s = "".join(rng.choice(chars) for _ in range(rng.randint(20, 60)))
    x = f"<si><t>{s}</t></si>"
    size += len(x.encode())
    strings.append(x)
n = len(strings)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    header = ["序号", "项目代码", "项目名称", "项目单位", "立项部门", "立项年度", "审批事项", "审批部门"]
    head = "".join(f'<c r="{chr(65+i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(header))
    rows = [f'<row r="1">{head}</row>']
    # 20,000 rows, each a project name from the shared strings, 1,000 rows to a code.
    for r in range(min(n, 20000)):
        code = f"2019-152529-44-01-{r // 1000:06d}"
        rows.append(f'<row r="{r+2}"><c r="A{r+2}"><v>{r+1}</v></c><c r="B{r+2}" t="inlineStr"><is><t>{code}</t></is></c><c r="C{r+2}" t="s"><v>{r}</v></c></row>')
    z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + "".join(rows) + "</sheetData></worksheet>")
    z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">' + "".join(strings) + "</sst>")
print(f"{out}: {n} shared strings", file=sys.stderr)
PY
ls -l "$WORK/heavy.xlsx" | awk '{printf "file: %.1f MiB\n", $5/1048576}'
unzip -lv "$WORK/heavy.xlsx" | awk '/sharedStrings|sheet1/ {printf "%s: %.1f MiB, ratio %s\n", $8, $1/1048576, $4}'

QIDI_DATA_DIR="$WORK/data" QIDI_LOGIN_RATE=0 QIDI_MAX_IMPORTS=2 "$BIN" serve --demo --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
hwm() { awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$PID/status"; }
echo "server up: peak RSS $(hwm)"

# The office's one-time password is printed once; give it a known one.
PASS="$(grep -E '^ *office ' "$WORK/serve.log" | awk '{print $3}' | head -1)"
JAR="$WORK/jar"
curl -fs -c "$JAR" -H 'Content-Type: application/json' -d "{\"username\":\"office\",\"password\":\"$PASS\"}" "http://127.0.0.1:$PORT/api/v1/login" >/dev/null
NEW='Heavy-Bench-2026!'
curl -fs -b "$JAR" -c "$JAR" -H "Origin: http://127.0.0.1:$PORT" --data-urlencode "current=$PASS" --data-urlencode "new=$NEW" --data-urlencode "confirm=$NEW" "http://127.0.0.1:$PORT/password" >/dev/null
curl -fs -c "$JAR" -H 'Content-Type: application/json' -d "{\"username\":\"office\",\"password\":\"$NEW\"}" "http://127.0.0.1:$PORT/api/v1/login" >/dev/null

post() {
  curl -s -o "$WORK/out.$1" -w "%{http_code} %{time_total}s\n" -b "$JAR" \
    -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
    --data-binary @"$WORK/heavy.xlsx" "http://127.0.0.1:$PORT/api/v1/ledger/import?dry_run=true"
}
echo "one upload: $(post 0)  peak RSS $(hwm)"
for i in $(seq 1 "$N"); do post "$i" > "$WORK/code.$i" & done
wait $(jobs -p | grep -v "^$PID$") 2>/dev/null || true
for i in $(seq 1 "$N"); do echo "upload $i of $N at once: $(cat "$WORK/code.$i")"; done
echo "after $N at once: peak RSS $(hwm)"
head -c 300 "$WORK/out.1"; echo
