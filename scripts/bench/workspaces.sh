#!/usr/bin/env bash
# N Workspaces created at once against fabric8's API double (kubernetes-server-mock, CRUD
# mode, loopback), reconciled by the embedded Workspace operator on a fixed thread pool:
# time until all are reconciled, reconcile latency p50/p90/p99, passes, API requests, heap.
# Each run is a fresh JVM started with `java` directly (no Maven JVM in the measurement).
# Usage: scripts/bench/workspaces.sh [count=1000] [threads=2 x cores]
#   BENCH_COMPARE="count:threads ..."  extra runs printed side by side after the main one
#                                      (default "100:<threads> <count>:2 <count>:8"; "" for none)
#   BENCH_TIMEOUT=600 (s per run)  BENCH_STEADY=20 (s of steady-state observation)
#   BENCH_SETTLE=125 (s after stopping the operator before the last heap reading: fabric8 keeps
#                     closed informers reachable for 120 s)
#   BENCH_JAVA_OPTS (e.g. -XX:TieredStopAtLevel=1)
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000}"
T="${2:-$(( 2 * $(nproc) ))}"
COMPARE="${BENCH_COMPARE-100:$T $N:2 $N:8}"
mvn -B -q -o test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/workspaces.cp >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench/workspaces.cp)"
run() {
  echo "=== $1 workspaces, $2 reconcile threads"
  # shellcheck disable=SC2086
  java ${BENCH_JAVA_OPTS:-} -cp "$CP" io.guildnet.bench.WorkspaceReconcileBench "$1" "$2" "${BENCH_TIMEOUT:-600}" "${BENCH_STEADY:-20}" "${BENCH_SETTLE:-125}"
}
run "$N" "$T"
for c in $COMPARE; do
  echo
  run "${c%%:*}" "${c##*:}"
done
