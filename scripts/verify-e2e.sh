#!/usr/bin/env bash
# End-to-end tailnet check, one concise line per cluster: Headscale reachable, router DaemonSet ready,
# the Host App's connector for the cluster, and the API server's /readyz through that connector.
# Read-only; prints no secret.
#
# Usage: scripts/verify-e2e.sh [CLUSTER_ID ...]          (default: every registered cluster)
# Env:   GUILDNET_URL (default https://127.0.0.1:8090), GUILDNET_API_TOKEN (or $GUILDNET_HOME/state/api-token),
#        HEADSCALE_URL (optional: checked once, GET /health), KUBECONFIG (optional: router rollout via kubectl
#        for the current context; otherwise the Host App's NET06 check answers for the router).
# Exit status: 0 when every cluster passes, 1 otherwise.
set -euo pipefail
command -v jq >/dev/null || { echo "verify-e2e.sh needs jq" >&2; exit 2; }
case "${1:-}" in -h|--help) sed -n '2,10p' "$0"; exit 0 ;; esac
URL="${GUILDNET_URL:-https://127.0.0.1:8090}"
HOME_DIR="${GUILDNET_HOME:-$HOME/.guildnet}"
CURL=(curl -sS --max-time 30)
CA="$HOME_DIR/state/certs/server.crt"
if [ -r "$CA" ]; then CURL+=(--cacert "$CA"); else CURL+=(-k); fi
TOKEN="${GUILDNET_API_TOKEN:-}"
[ -z "$TOKEN" ] && [ -r "$HOME_DIR/state/api-token" ] && TOKEN="$(cat "$HOME_DIR/state/api-token")"
# the token reaches curl through a header file (a pipe), not its command line
api() {
  if [ -n "$TOKEN" ]; then "${CURL[@]}" -H @<(printf 'Authorization: Bearer %s\n' "$TOKEN") "$@"
  else "${CURL[@]}" "$@"; fi
}

"${CURL[@]}" "$URL/healthz" >/dev/null 2>&1 || { echo "Host App at $URL is not answering /healthz" >&2; exit 1; }
fail=0
if [ -n "${HEADSCALE_URL:-}" ]; then
  if curl -fsS --max-time 10 "${HEADSCALE_URL%/}/health" >/dev/null 2>&1; then echo "headscale  ok    ${HEADSCALE_URL}"
  else echo "headscale  FAIL  ${HEADSCALE_URL} does not answer /health"; fail=1; fi
fi
router_kubectl=""
if command -v kubectl >/dev/null && [ -n "${KUBECONFIG:-}" ]; then
  if kubectl -n kube-system rollout status ds/tailscale-subnet-router --timeout=5s >/dev/null 2>&1; then router_kubectl="ready"
  else router_kubectl="not ready"; fi
fi

ids=("$@")
if [ ${#ids[@]} -eq 0 ]; then
  mapfile -t ids < <(api "$URL/api/deploy/clusters" | jq -r '.[].id')
fi
[ ${#ids[@]} -gt 0 ] || { echo "no clusters registered"; exit 0; }

for id in "${ids[@]}"; do
  api -X POST "$URL/api/deploy/clusters/$id?action=health" >/dev/null 2>&1 || true   # fresh k8s check (through the connector)
  st="$(api "$URL/api/cluster/$id/status")"
  if ! printf '%s' "$st" | jq -e '.clusterId' >/dev/null 2>&1; then
    echo "$id  FAIL  $(printf '%s' "$st" | jq -r '.message // "no status"' 2>/dev/null || echo 'no status')"; fail=1; continue
  fi
  ts="$(printf '%s' "$st" | jq -r 'if .tsnet then "\(.tsnet.status) \(.tsnet.ip // "")" else "none" end')"
  ready="$(printf '%s' "$st" | jq -r '.k8sReachable')"
  router="${router_kubectl:-?}"
  if [ "$ts" = none ]; then
    line="connector: none (no tailnet settings)"
  else
    line="connector: $ts"
    if [ -z "$router_kubectl" ]; then
      # ask the Host App's own check (guildnet-verify NET06) through a quick verify run
      ex="$(api -X POST -H 'Content-Type: application/json' --data "{\"job\":\"guildnet-verify\",\"params\":{\"cluster\":\"$id\",\"probeWorkspace\":false}}" \
            "$URL/api/batch/jobs" | jq -r '.executionId // empty')"
      if [ -n "$ex" ]; then
        for _ in $(seq 1 60); do
          s="$(api "$URL/api/batch/executions/$ex" | jq -r '.status')"
          case "$s" in COMPLETED|FAILED|STOPPED|ABANDONED) break ;; esac; sleep 1
        done
        router="$(api "$URL/api/batch/executions/$ex/report" | jq -r '[.layers[]?.checks[]? | select(.code=="NET06")][0] | "\(.status) \(.message)"')"
      fi
    fi
    line="$line; router: $router"
  fi
  ok=1
  [ "$ready" = true ] || ok=0
  case "$ts" in none|ok*) ;; *) ok=0 ;; esac
  case "$router" in fail*|"not ready") ok=0 ;; esac
  if [ $ok = 1 ]; then echo "$id  ok    $line; API server reachable$( [ "$ts" = none ] || echo " through the connector")"
  else echo "$id  FAIL  $line; k8s reachable: $ready"; fail=1; fi
done
exit $fail
