#!/usr/bin/env bash
# Foundation benchmark: war size, cold and warm start to ready, idle heap, and request
# throughput of /healthz (servlet) next to /api/ui-config (JAX-RS) in one run.
# Loopback only. Needs: a built war (mvn -B package -DskipTests), the Liberty runtime
# (mvn -B liberty:create), wrk (apt-get install -y wrk), jcmd (JDK).
# Usage: scripts/bench/foundation.sh [seconds-per-wrk-run]
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR="${1:-15}"
WLP="$PWD/target/liberty/wlp"
WAR="$PWD/target/guildnet.war"
NAME="guildnetBench"
WORK="$PWD/target/bench"
HOME_DIR="$WORK/home"
[ -f "$WAR" ] || { echo "build the war first: mvn -B package -DskipTests" >&2; exit 2; }
[ -x "$WLP/bin/server" ] || { echo "install Liberty first: mvn -B liberty:create" >&2; exit 2; }
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 2; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export GUILDNET_HOME="$HOME_DIR" LISTEN_LOCAL="127.0.0.1:$PORT"
SDIR="$WLP/usr/servers/$NAME"

now_ms() { date +%s%3N; }
wait_ready() {
  local start=$1
  for _ in $(seq 1 1200); do
    if curl -s -o /dev/null -w '%{http_code}' --cacert "$HOME_DIR/state/certs/server.crt" "https://127.0.0.1:$PORT/health/ready" | grep -q 200; then
      echo $(( $(now_ms) - start )); return 0
    fi
    sleep 0.05
  done
  echo "not ready" >&2; exit 1
}
start_server() {
  local t0; t0=$(now_ms)
  java -cp target/classes io.guildnet.security.TlsBootstrap >/dev/null
  "$WLP/bin/server" start "$NAME" >/dev/null
  wait_ready "$t0"
}
stop_server() { "$WLP/bin/server" stop "$NAME" >/dev/null || true; }
trap stop_server EXIT

stop_server
rm -rf "$SDIR" "$WORK"; mkdir -p "$SDIR/apps" "$HOME_DIR"
cp src/main/liberty/config/server.xml "$SDIR/server.xml"
cp "$WAR" "$SDIR/apps/guildnet.war"
# Extra JVM options for an experiment, one per line (e.g. BENCH_JVM_OPTIONS=-XX:TieredStopAtLevel=1).
cp src/main/liberty/config/jvm.options "$SDIR/jvm.options"
printf '%s\n' ${BENCH_JVM_OPTIONS:-} >> "$SDIR/jvm.options"
printf 'keystore_password=bench-keystore\nGUILDNET_HOME=%s\nLISTEN_LOCAL=%s\n' "$HOME_DIR" "$LISTEN_LOCAL" > "$SDIR/server.env"

WAR_BYTES=$(stat -c %s "$WAR")
COLD_MS=$(start_server)
stop_server
WARM1_MS=$(start_server); stop_server
WARM2_MS=$(start_server); stop_server
WARM3_MS=$(start_server)

PID=$(pgrep -f "ws-server.jar $NAME" | head -1)
C="curl -s -o /dev/null --cacert $HOME_DIR/state/certs/server.crt"
for _ in $(seq 1 20); do $C "https://127.0.0.1:$PORT/api/ui-config"; done
sleep 2
jcmd "$PID" GC.run >/dev/null
HEAP_LINE=$(jcmd "$PID" GC.heap_info | grep -m1 -iE 'heap|total')
RSS_KB=$(ps -o rss= -p "$PID" | tr -d ' ')

run_wrk() { wrk -t2 -c32 -d"${DUR}s" --latency "https://127.0.0.1:$PORT$1" 2>/dev/null; }
HZ=$(run_wrk /healthz)
UI=$(run_wrk /api/ui-config)
HZ2=$(run_wrk /healthz)

summ() { echo "$1" | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s", rps, p50, p99}'; }

cat <<OUT
jvm options: $(grep -v "^#" src/main/liberty/config/jvm.options | tr "\n" " ") ${BENCH_JVM_OPTIONS:-(defaults)}
machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)
war size: $WAR_BYTES bytes ($(( WAR_BYTES / 1024 )) KiB)
start to /health/ready: cold ${COLD_MS} ms; warm ${WARM1_MS} ms, ${WARM2_MS} ms, ${WARM3_MS} ms
idle heap after GC: $HEAP_LINE
idle RSS: $(( RSS_KB / 1024 )) MiB
wrk -t2 -c32 -d${DUR}s (HTTPS, loopback), run in this order:
  /healthz        $(summ "$HZ")
  /api/ui-config  $(summ "$UI")
  /healthz again  $(summ "$HZ2")
OUT
