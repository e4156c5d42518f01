#!/usr/bin/env bash
# rethink-export / rethink-import throughput for ROWS rows: first on the plain classes in process
# (TableExporter/TableImporter over the cluster table store, every format), then as Jakarta Batch
# jobs on a real Liberty server through the HTTP API (upload -> rethink-import -> rethink-export ->
# download), rows/s from each execution's own start/end times.
# The database is the in-memory backend (GUILDNET_RDB_BACKEND=memory); RDB_ADDR=127.0.0.1:28015
# uses a real RethinkDB instead (loopback only; RDB_PASS for its admin password).
# Usage: scripts/bench/transfer.sh [rows=100000] [chunk=500]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-100000}" CHUNK="${2:-500}"
NAME=guildnetBenchTransfer
if [ -n "${RDB_ADDR:-}" ]; then BENCH_SERVER_ENV="GUILDNET_RDB_BACKEND=driver"; else BENCH_SERVER_ENV="GUILDNET_RDB_BACKEND=memory"; fi
export BENCH_SERVER_ENV
. scripts/bench/lib.sh
[ -f target/bench.cp ] || mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
[ -f target/test-classes/io/guildnet/bench/TransferBench.class ] || mvn -B -q -o test-compile
CP="target/classes:target/test-classes:$(cat target/bench.cp)"

echo "--- in process (plain classes, no batch runtime, no HTTP) ---"
java -Xmx1g -cp "$CP" io.guildnet.bench.TransferBench "$ROWS" "$CHUNK" "$PWD/target/bench/transfer-inproc" ${RDB_ADDR:+--rdb "$RDB_ADDR"} 2>/dev/null

echo "--- as batch jobs on Liberty, through the HTTP API ---"
DATA=$(mktemp --suffix=.ndjson); OUT=$(mktemp)
start_fake_kube
trap 'stop_server; kill $FAKE_PID 2>/dev/null || true; rm -f "$DATA" "$OUT"' EXIT

fresh_server
start_server >/dev/null
TOKEN=$(cat "$HOME_DIR/state/api-token")
auth=(-H "Authorization: Bearer $TOKEN")
json=(-H 'Content-Type: application/json')
CID=$(api "${auth[@]}" "${json[@]}" -X POST -d '{"name":"bench-transfer"}' "$BASE/api/deploy/clusters" | jq -r .id)
api "${auth[@]}" "${json[@]}" -o /dev/null -X POST -d "$(jq -n --arg k "$(kubeconfig "$FAKE")" '{kubeconfig: $k}')" "$BASE/api/deploy/clusters/$CID?action=attach-kubeconfig"
if [ -n "${RDB_ADDR:-}" ]; then
  api "${auth[@]}" "${json[@]}" -o /dev/null -X PUT -d "{\"rdb_addr\":\"$RDB_ADDR\"}" "$BASE/api/settings/cluster/$CID"
  [ -n "${RDB_PASS:-}" ] && api "${auth[@]}" "${json[@]}" -o /dev/null -X PUT -d "{\"rdb_pass\":\"$RDB_PASS\"}" "$BASE/api/settings/cluster/$CID"
fi
for _ in $(seq 1 100); do [ "$(api "$BASE/api/cluster/$CID/db/health" | jq -r .status)" = ok ] && break; sleep 0.2; done
DB="bench$(date +%s)"
api "${auth[@]}" "${json[@]}" -o /dev/null -X POST -d "{\"id\":\"$DB\"}" "$BASE/api/cluster/$CID/db"
api "${auth[@]}" "${json[@]}" -o /dev/null -X POST -d '{"name":"src","primary_key":"id"}' "$BASE/api/cluster/$CID/db/$DB/tables"
python3 - "$ROWS" > "$DATA" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    print('{"id":%d,"name":"user %d","email":"u%d@example.test","score":%d,"active":%s,"tags":["a","b"]}' % (i, i, i, i * 7 % 1000, "true" if i % 3 == 0 else "false"))
PY

# run JOB PARAMS -> prints "<execution id> <seconds between the execution's start and end>"
run() {
  local id e st
  id=$(api "${auth[@]}" "${json[@]}" -X POST -d "{\"job\":\"$1\",\"params\":$2}" "$BASE/api/batch/jobs" | jq -r .executionId)
  for _ in $(seq 1 6000); do
    e=$(api "$BASE/api/batch/executions/$id"); st=$(jq -r .status <<<"$e")
    case "$st" in COMPLETED) break ;; FAILED|STOPPED|ABANDONED) echo "$1 $st: $(api "$BASE/api/batch/executions/$id/logs" | tail -3)" >&2; exit 1 ;; esac
    sleep 0.1
  done
  echo "$id - $(jq -r '.started + " " + .ended' <<<"$e")"
}
secs() { python3 -c 'import sys,datetime as d; f=lambda s: d.datetime.fromisoformat(s.replace("Z","+00:00")); print((f(sys.argv[2])-f(sys.argv[1])).total_seconds())' "$1" "$2"; }

T0=$(now_ms)
FILE=$(api "${auth[@]}" -X POST --data-binary @"$DATA" -H 'Content-Type: application/x-ndjson' "$BASE/api/batch/uploads?format=ndjson" | jq -r .file)
echo "upload $(du -h "$DATA" | cut -f1): $(( $(now_ms) - T0 )) ms"
read -r IID _ S E <<<"$(run rethink-import "{\"cluster\":\"$CID\",\"db\":\"$DB\",\"table\":\"src\",\"file\":\"$FILE\",\"chunk\":$CHUNK}")"
S_IMP=$(secs "$S" "$E")
printf 'rethink-import (ndjson)  %8.0f rows/s  (%.2f s, execution %s)\n' "$(python3 -c "print($ROWS/$S_IMP)")" "$S_IMP" "$IID"
for F in ndjson json csv; do
  read -r XID _ S E <<<"$(run rethink-export "{\"cluster\":\"$CID\",\"db\":\"$DB\",\"table\":\"src\",\"format\":\"$F\",\"chunk\":$CHUNK}")"
  S_EXP=$(secs "$S" "$E")
  T0=$(now_ms); api "${auth[@]}" -o "$OUT" "$BASE/api/batch/executions/$XID/file"; DL=$(( $(now_ms) - T0 ))
  ROWS_OUT=$(jq -r .rows <<<"$(api "$BASE/api/batch/executions/$XID/report")")
  [ "$ROWS_OUT" = "$ROWS" ] || { echo "export $F wrote $ROWS_OUT rows, expected $ROWS" >&2; exit 1; }
  printf 'rethink-export (%-6s)  %8.0f rows/s  (%.2f s, execution %s; download %s in %d ms)\n' "$F" "$(python3 -c "print($ROWS/$S_EXP)")" "$S_EXP" "$XID" "$(du -h "$OUT" | cut -f1)" "$DL"
done
stop_server
