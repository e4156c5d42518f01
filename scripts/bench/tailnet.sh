#!/usr/bin/env bash
# Tailnet connector benchmark (docs/benchmarks.md, "Tailnet connector"), one run on this machine:
# connector start time with the fake tailscaled/tailscale pair (sequential and all at once), and the
# Kubernetes API call latency through a connector's local HTTP CONNECT hop vs direct (same mock API
# server over TLS, alternating blocks), with the ratio.
# Needs: a test build (mvn -B -o test-compile). Env: STARTS (default 5), CALLS (default 2000).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p target/bench
[ -d target/test-classes/io/guildnet/bench ] || { echo "build the tests first: mvn -B -o test-compile" >&2; exit 2; }
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/tailnet.cp >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench/tailnet.cp)"
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
java -Xmx512m -cp "$CP" io.guildnet.bench.TailnetBench "${STARTS:-5}" "${CALLS:-2000}" 2>/dev/null
