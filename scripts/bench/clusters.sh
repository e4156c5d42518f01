#!/usr/bin/env bash
# 100 registered clusters: Host App start to ready, idle heap, and GET /api/health
# latency (wrk) — next to the same figures with no clusters, in one run.
# Clusters point at a local stand-in API server (fake_kube_api.py, plain HTTP on loopback);
# a share of them at a closed loopback port (unreachable).
# Usage: scripts/bench/clusters.sh [clusters] [unreachable] [wrk-seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-100}" DOWN="${2:-20}" DUR="${3:-20}"
NAME=guildnetBenchClusters
. scripts/bench/lib.sh
start_fake_kube
trap 'stop_server; kill $FAKE_PID 2>/dev/null || true' EXIT
CLOSED="https://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# one client polling (what UIs do): latency; eight at once: throughput (and latency under saturation)
health_c1() { wrk -t1 -c1 -d"${DUR}s" --latency "$BASE/api/health" 2>/dev/null | wrk_summary; }
health_c8() { wrk -t2 -c8 -d"${DUR}s" --latency "$BASE/api/health" 2>/dev/null | wrk_summary; }
warm_up() { wrk -t2 -c8 -d10s "$BASE/api/health" >/dev/null 2>&1; }

fresh_server
start_server >/dev/null; stop_server           # first (cold) start: feature cache, certificate
START0=$(start_server)
warm_up
HEALTH0_C1=$(health_c1); HEALTH0_C8=$(health_c8)
HEAP0=$(heap_after_gc)

for i in $(seq 1 "$N"); do
  id=$(api -X POST -H 'Content-Type: application/json' -d "{\"name\":\"bench-$i\"}" "$BASE/api/deploy/clusters" | jq -r .id)
  server="$FAKE"; [ "$i" -le "$DOWN" ] && server="$CLOSED"
  api -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d "$(jq -n --arg k "$(kubeconfig "$server")" '{kubeconfig: $k}')" "$BASE/api/deploy/clusters/$id?action=attach-kubeconfig"
done
stop_server
STARTN=$(start_server)
sleep 20   # let every instance start and run its first health check
warm_up
HEALTHN_C1=$(health_c1); HEALTHN_C8=$(health_c8)
HEAPN=$(heap_after_gc)
THREADS=$(jcmd "$(server_pid)" Thread.print 2>/dev/null | grep -c '^"' || true)
OKS=$(api "$BASE/api/health" | jq '[.clusters[] | select(.status=="ok")] | length')
ERRS=$(api "$BASE/api/health" | jq '[.clusters[] | select(.code=="cluster_unreachable")] | length')

cat <<OUT
machine: $(nproc) cores, $(java -version 2>&1 | head -1)
clusters: $N registered ($DOWN unreachable); /api/health shows $OKS ok, $ERRS cluster_unreachable
warm start to /health/ready: 0 clusters ${START0} ms; $N clusters ${STARTN} ms
idle heap after GC: 0 clusters: $HEAP0
                    $N clusters: $HEAPN  (JVM threads: $THREADS)
GET /api/health, 1 client (wrk -t1 -c1 -d${DUR}s):  0 clusters: $HEALTH0_C1
                                             $N clusters: $HEALTHN_C1
GET /api/health, 8 clients (wrk -t2 -c8 -d${DUR}s): 0 clusters: $HEALTH0_C8
                                             $N clusters: $HEALTHN_C8
OUT
