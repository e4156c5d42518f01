#!/usr/bin/env bash
# Reverse proxy benchmark (docs/benchmarks.md, "Reverse proxy"): one run, side by side, on
# this machine. wrk against the same nginx-served upstream three ways:
#   direct       http://127.0.0.1:U/<file>                      (the upstream itself)
#   nginx        https://127.0.0.1:N/<file>                     (nginx as TLS reverse proxy, keep-alive upstream)
#   hostapp      https://127.0.0.1:P/proxy/127.0.0.1:U/<file>  (the Host App, allowlisted raw target)
# for 1 KiB and 1 MiB responses at 1 and 64 connections; then WebSocket echo round trips
# direct vs proxied and the Host App's heap holding 1,000 idle WebSockets.
# Needs: wrk, nginx (Debian packages), a built war (mvn -B package -DskipTests).
# Env: DURATION (default 10s), IDLE_WS (default 1000), WS_ROUNDS (default 20000).
set -euo pipefail
cd "$(dirname "$0")/../.."
NAME=benchProxy
. scripts/bench/lib.sh
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "install nginx (apt-get install nginx-light)" >&2; exit 2; }
DURATION=${DURATION:-10s}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
U=$(free_port); N=$(free_port)
NG="$WORK/nginx"

fresh_server
BENCH_SERVER_ENV="GUILDNET_PROXY_ALLOWLIST=127.0.0.1:$U"
printf '%s\n' "$BENCH_SERVER_ENV" >> "$SDIR/server.env"

# the upstream (and WebSocket upstream) first, so the allowlist points at something real
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/proxy.cp >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench/proxy.cp)"
WSUP_OUT="$WORK/ws-upstream.port"
mkdir -p "$WORK"
java -cp "$CP" 'io.guildnet.bench.ProxyWsBench$Upstream' > "$WSUP_OUT" &
WSUP_PID=$!
STARTUP=$(start_server)
echo "host app ready in ${STARTUP} ms on $BASE"
CERT="$HOME_DIR/state/certs/server.crt"; KEY="$HOME_DIR/state/certs/server.key"

mkdir -p "$NG/html" "$NG/logs"
head -c 1024 /dev/urandom > "$NG/html/1k.bin"
head -c 1048576 /dev/urandom > "$NG/html/1m.bin"
cat > "$NG/nginx.conf" <<CONF
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000;
  upstream origin { server 127.0.0.1:$U; keepalive 128; }
  server { listen 127.0.0.1:$U; root $NG/html; }
  server {
    listen 127.0.0.1:$N ssl;
    ssl_certificate $CERT; ssl_certificate_key $KEY;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -p "$NG" -c "$NG/nginx.conf"
cleanup() { nginx -p "$NG" -c "$NG/nginx.conf" -s stop 2>/dev/null || true; kill "$WSUP_PID" 2>/dev/null || true; stop_server; }
trap cleanup EXIT
sleep 1

run() { # label url conns
  local threads=2; [ "$3" = 1 ] && threads=1
  printf '%-8s %-4s c=%-3s ' "$1" "$4" "$3"
  wrk -t$threads -c"$3" -d"$DURATION" --latency "$2" | wrk_summary; echo
}
# warm-up (JIT) of the Host App and nginx paths
wrk -t2 -c16 -d10s "$BASE/proxy/127.0.0.1:$U/1k.bin" >/dev/null
wrk -t2 -c16 -d5s "https://127.0.0.1:$N/1k.bin" >/dev/null
echo "== throughput and latency (wrk $DURATION each; interleaved per case)"
# Liberty's own floor on this machine: a servlet answering 7 bytes over the same TLS listener
run liberty "$BASE/healthz" 1 tiny
run liberty "$BASE/healthz" 64 tiny
for size in 1k 1m; do
  for c in 1 64; do
    run direct  "http://127.0.0.1:$U/$size.bin" $c $size
    run nginx   "https://127.0.0.1:$N/$size.bin" $c $size
    run hostapp "$BASE/proxy/127.0.0.1:$U/$size.bin" $c $size
  done
done

echo "== WebSockets (echo upstream on 127.0.0.1:$(cat "$WSUP_OUT"))"
# the WebSocket upstream must be allowlisted too: restart with both entries
stop_server
sed -i "s|^GUILDNET_PROXY_ALLOWLIST=.*|GUILDNET_PROXY_ALLOWLIST=127.0.0.1:$U,127.0.0.1:$(cat "$WSUP_OUT")|" "$SDIR/server.env"
start_server >/dev/null
echo "heap before: $(heap_after_gc)"
FIFO="$WORK/ws.fifo"; rm -f "$FIFO"; mkfifo "$FIFO"
java -cp "$CP" io.guildnet.bench.ProxyWsBench "$BASE" "$CERT" "$(cat "$WSUP_OUT")" "${WS_ROUNDS:-20000}" "${IDLE_WS:-1000}" < "$FIFO" > "$WORK/ws.out" &
WSB=$!
exec 9>"$FIFO"
for _ in $(seq 1 600); do grep -q '^idle_open' "$WORK/ws.out" 2>/dev/null && break; sleep 0.5; done
cat "$WORK/ws.out"
echo "heap holding ${IDLE_WS:-1000} idle WebSockets: $(heap_after_gc)"
echo "threads: $(ls /proc/$(server_pid)/task | wc -l)"
exec 9>&-
wait $WSB || true

echo "== 1 GiB download through the Host App (heap sampled every 0.5 s while it streams)"
echo "heap before: $(heap_after_gc)"
( while sleep 0.5; do jcmd "$(server_pid)" GC.heap_info 2>/dev/null | grep -m1 -iE 'heap|total' | sed 's/^ *//'; done ) > "$WORK/heap-samples.txt" &
SAMPLER=$!
T0=$(now_ms)
BYTES=$(api -o /dev/null -w '%{size_download}' "$BASE/proxy/127.0.0.1:$(cat "$WSUP_OUT")/download?bytes=1073741824")
T1=$(now_ms)
kill $SAMPLER 2>/dev/null || true
echo "downloaded $BYTES bytes in $((T1 - T0)) ms ($(( BYTES / 1048576 * 1000 / (T1 - T0 + 1) )) MiB/s)"
echo "heap while streaming (max of samples): $(grep -oE 'used [0-9]+K' "$WORK/heap-samples.txt" | sort -k2 -n | tail -1)"
echo "heap after: $(heap_after_gc)"
