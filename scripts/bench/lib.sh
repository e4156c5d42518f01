# Shared helpers for the benchmarks: a throw-away Liberty server running the built war
# with its own GUILDNET_HOME under target/bench, on a free loopback port.
# Callers set NAME and source this file from the repository root.
WLP="$PWD/target/liberty/wlp"
WAR="$PWD/target/guildnet.war"
WORK="$PWD/target/bench/$NAME"
HOME_DIR="$WORK/home"
SDIR="$WLP/usr/servers/$NAME"
[ -f "$WAR" ] || { echo "build the war first: mvn -B package -DskipTests" >&2; exit 2; }
[ -x "$WLP/bin/server" ] || { echo "install Liberty first: mvn -B liberty:create" >&2; exit 2; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export GUILDNET_HOME="$HOME_DIR" LISTEN_LOCAL="127.0.0.1:$PORT"
BASE="https://127.0.0.1:$PORT"

now_ms() { date +%s%3N; }
api() { curl -s --cacert "$HOME_DIR/state/certs/server.crt" "$@"; }
wait_ready() {
  local start=$1
  for _ in $(seq 1 2400); do
    if [ "$(api -o /dev/null -w '%{http_code}' "$BASE/health/ready")" = 200 ]; then echo $(( $(now_ms) - start )); return 0; fi
    sleep 0.05
  done
  echo "not ready" >&2; exit 1
}
start_server() {
  local t0; t0=$(now_ms)
  java -cp target/classes io.guildnet.security.TlsBootstrap >/dev/null 2>&1
  "$WLP/bin/server" start "$NAME" >/dev/null
  wait_ready "$t0"
}
stop_server() { "$WLP/bin/server" stop "$NAME" >/dev/null 2>&1 || true; }
fresh_server() {
  stop_server
  rm -rf "$SDIR" "$WORK"; mkdir -p "$SDIR/apps" "$HOME_DIR"
  cp src/main/liberty/config/server.xml "$SDIR/server.xml"
  cp "$WAR" "$SDIR/apps/guildnet.war"
  cp src/main/liberty/config/jvm.options "$SDIR/jvm.options"
  printf '%s\n' ${BENCH_JVM_OPTIONS:-} >> "$SDIR/jvm.options"
  printf 'keystore_password=bench-keystore\nGUILDNET_HOME=%s\nLISTEN_LOCAL=%s\n%s\n' "$HOME_DIR" "$LISTEN_LOCAL" "${BENCH_SERVER_ENV:-}" > "$SDIR/server.env"
}
server_pid() { pgrep -f "ws-server.jar $NAME" | head -1; }
heap_after_gc() {
  local pid; pid=$(server_pid)
  jcmd "$pid" GC.run >/dev/null
  jcmd "$pid" GC.heap_info | grep -m1 -iE 'heap|total' | sed 's/^ *//'
}
wrk_summary() { awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s", rps, p50, p99}'; }

# Starts the local stand-in API server (fake_kube_api.py, plain HTTP on loopback) in the
# background: sets FAKE_PID and FAKE (its URL). Callers kill $FAKE_PID in their EXIT trap.
start_fake_kube() {
  local port_file; port_file=$(mktemp)
  python3 scripts/bench/fake_kube_api.py > "$port_file" &
  FAKE_PID=$!
  for _ in $(seq 1 50); do [ -s "$port_file" ] && break; sleep 0.1; done
  FAKE="http://127.0.0.1:$(cat "$port_file")"
  rm -f "$port_file"
}
# A kubeconfig (token user) for the API server at $1.
kubeconfig() { printf 'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: %s\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: t\n' "$1"; }
