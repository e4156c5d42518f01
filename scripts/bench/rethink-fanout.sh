#!/usr/bin/env bash
# Changefeed fan-out: SUBS SSE subscribers of one table, RATE changes/s for SECONDS s, through a
# real Host App (HTTPS + SSE, /sse/cluster/{cid}/db/fanout/tables/events/changes); delivery latency
# p50/p99 (row written by the client -> frame parsed by each subscriber, same clock), server heap
# with every stream open, dropped frames; then import/export of IO_ROWS rows over HTTP. Then the
# same fan-out in process (hub only, no HTTP) for comparison.
# The source is the in-memory backend (GUILDNET_RDB_BACKEND=memory); RDB_ADDR=127.0.0.1:28015 uses
# a real RethinkDB instead (loopback only).
# Usage: scripts/bench/rethink-fanout.sh [subs] [rate] [seconds] [io-rows]
set -euo pipefail
cd "$(dirname "$0")/../.."
SUBS="${1:-1000}" RATE="${2:-1000}" SECS="${3:-30}" IO_ROWS="${4:-100000}"
NAME=guildnetBenchRethink
if [ -n "${RDB_ADDR:-}" ]; then BENCH_SERVER_ENV="GUILDNET_RDB_BACKEND=driver"; else BENCH_SERVER_ENV="GUILDNET_RDB_BACKEND=memory"; fi
export BENCH_SERVER_ENV
. scripts/bench/lib.sh
[ -f target/bench.cp ] || mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
[ -d target/test-classes/io/guildnet/bench ] || mvn -B -q -o test-compile
CP="target/classes:target/test-classes:$(cat target/bench.cp)"
PAUSE=$(mktemp -u)
start_fake_kube
trap 'stop_server; kill $FAKE_PID 2>/dev/null || true; rm -f "$PAUSE"' EXIT

fresh_server
start_server >/dev/null
TOKEN=$(cat "$HOME_DIR/state/api-token")
auth=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
CID=$(api "${auth[@]}" -X POST -d '{"name":"bench-rdb"}' "$BASE/api/deploy/clusters" | jq -r .id)
api "${auth[@]}" -o /dev/null -X POST -d "$(jq -n --arg k "$(kubeconfig "$FAKE")" '{kubeconfig: $k}')" "$BASE/api/deploy/clusters/$CID?action=attach-kubeconfig"
if [ -n "${RDB_ADDR:-}" ]; then
  api "${auth[@]}" -o /dev/null -X PUT -d "{\"rdb_addr\":\"$RDB_ADDR\"}" "$BASE/api/settings/cluster/$CID"
fi
for _ in $(seq 1 100); do [ "$(api "$BASE/api/cluster/$CID/db/health" | jq -r .status)" = ok ] && break; sleep 0.2; done
HEAP0=$(heap_after_gc)

java -Xmx1g -cp "$CP" io.guildnet.bench.RethinkFanoutBench --mode sse --base "$BASE" --cacert "$HOME_DIR/state/certs/server.crt" \
  --token "$TOKEN" --cluster "$CID" --subs "$SUBS" --rate "$RATE" --seconds "$SECS" --io-rows "$IO_ROWS" --pause-file "$PAUSE" 2>/dev/null &
BENCH=$!
for _ in $(seq 1 $(( (SECS + 900) * 10 ))); do [ -f "$PAUSE" ] && break; kill -0 $BENCH 2>/dev/null || break; sleep 0.1; done
HEAPN=$(heap_after_gc)
THREADS=$(jcmd "$(server_pid)" Thread.print 2>/dev/null | grep -c '^"' || true)
FEEDS=$(api "$BASE/api/cluster/$CID/db/health" | jq -c '{changefeeds, subscribers}')
rm -f "$PAUSE"
wait $BENCH
echo "server heap after GC: idle: $HEAP0"
echo "                      $SUBS streams open: $HEAPN (JVM threads: $THREADS; $FEEDS)"
stop_server
echo "--- same fan-out in process (hub only, no HTTP/TLS) ---"
java -Xmx1g -cp "$CP" io.guildnet.bench.RethinkFanoutBench --mode hub --subs "$SUBS" --rate "$RATE" --seconds "$SECS" --io-rows "$IO_ROWS" \
  ${RDB_ADDR:+--rdb "$RDB_ADDR"} 2>/dev/null
