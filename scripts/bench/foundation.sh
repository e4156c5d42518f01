#!/usr/bin/env bash
# Foundation benchmark: war size, cold and warm start to ready, idle heap, and request
# throughput of /healthz (servlet) next to /api/ui-config (JAX-RS) in one run.
# Loopback only. Needs: a built war (mvn -B package -DskipTests), the Liberty runtime
# (mvn -B liberty:create), wrk (apt-get install -y wrk), jcmd (JDK).
# Usage: scripts/bench/foundation.sh [seconds-per-wrk-run]   (BENCH_JVM_OPTIONS adds JVM options)
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR="${1:-15}"
NAME=guildnetBench
. scripts/bench/lib.sh
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 2; }
trap stop_server EXIT

fresh_server
WAR_BYTES=$(stat -c %s "$WAR")
COLD_MS=$(start_server); stop_server
WARM1_MS=$(start_server); stop_server
WARM2_MS=$(start_server); stop_server
WARM3_MS=$(start_server)
for _ in $(seq 1 20); do api -o /dev/null "$BASE/api/ui-config"; done
sleep 2
HEAP=$(heap_after_gc)
RSS_KB=$(ps -o rss= -p "$(server_pid)" | tr -d ' ')

run_wrk() { wrk -t2 -c32 -d"${DUR}s" --latency "$BASE$1" 2>/dev/null | wrk_summary; }
HZ=$(run_wrk /healthz)
UI=$(run_wrk /api/ui-config)
HZ2=$(run_wrk /healthz)

cat <<OUT
jvm options: $(grep -v '^#' src/main/liberty/config/jvm.options | tr '\n' ' ') ${BENCH_JVM_OPTIONS:-(defaults)}
machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)
war size: $WAR_BYTES bytes ($(( WAR_BYTES / 1024 )) KiB)
start to /health/ready: cold ${COLD_MS} ms; warm ${WARM1_MS} ms, ${WARM2_MS} ms, ${WARM3_MS} ms
idle heap after GC: $HEAP
idle RSS: $(( RSS_KB / 1024 )) MiB
wrk -t2 -c32 -d${DUR}s (HTTPS, loopback), run in this order:
  /healthz        $HZ
  /api/ui-config  $UI
  /healthz again  $HZ2
OUT
