#!/usr/bin/env bash
# Web UI in headless Chromium against a throw-away Host App (in-memory RethinkDB, a cluster on the
# fake Kubernetes API): first load of / (bytes transferred, time to interactive), warm reload, and
# the rows grid rendering 1,000 rows. Needs chromium + chromedriver (apt-get install chromium chromium-driver).
# Usage: scripts/bench/ui.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-5}"
NAME=guildnetBenchUi
BENCH_SERVER_ENV="GUILDNET_RDB_BACKEND=memory"
export BENCH_SERVER_ENV
. scripts/bench/lib.sh
[ -f target/bench.cp ] || mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
[ -f target/test-classes/io/guildnet/bench/UiBench.class ] || mvn -B -q -o test-compile
CP="target/classes:target/test-classes:$(cat target/bench.cp)"
start_fake_kube
trap 'stop_server; kill $FAKE_PID 2>/dev/null || true' EXIT

fresh_server
start_server >/dev/null
TOKEN=$(cat "$HOME_DIR/state/api-token")
auth=(-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json')
CID=$(api "${auth[@]}" -X POST -d '{"name":"bench-ui"}' "$BASE/api/deploy/clusters" | jq -r .id)
api "${auth[@]}" -o /dev/null -X POST -d "$(jq -n --arg k "$(kubeconfig "$FAKE")" '{kubeconfig: $k}')" "$BASE/api/deploy/clusters/$CID?action=attach-kubeconfig"
for _ in $(seq 1 100); do [ "$(api "$BASE/api/cluster/$CID/db/health" | jq -r .status)" = ok ] && break; sleep 0.2; done
DB="$BASE/api/cluster/$CID/db"
api "${auth[@]}" -o /dev/null -X POST -d '{"id":"bench"}' "$DB"
api "${auth[@]}" -o /dev/null -X POST -d '{"name":"rows","primary_key":"id","schema":[{"name":"id","type":"number"},{"name":"name","type":"string"},{"name":"qty","type":"number"},{"name":"paid","type":"boolean"},{"name":"note","type":"string"}]}' "$DB/bench/tables"
jq -nc '[range(1;1001) | {id: ., name: ("customer-" + tostring), qty: (. % 97), paid: (. % 2 == 0), note: "some text of moderate length for row \(.)"}]' \
  | api "${auth[@]}" -o /dev/null -X POST --data-binary @- "$DB/bench/tables/rows/rows"
echo "Chromium $(chromium --version 2>/dev/null | grep -o '[0-9.]*' | head -1); Host App on $BASE; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$CP" io.guildnet.bench.UiBench --base "$BASE" --cluster "$CID" --db bench --table rows --runs "$RUNS" 2>/dev/null
