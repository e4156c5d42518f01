#!/usr/bin/env bash
# Deploys the Tailscale subnet router (k8s/tailscale-router.yaml: DaemonSet kube-system/tailscale-subnet-router,
# privileged, NET_ADMIN/NET_RAW, /dev/net/tun) to the current kubectl context and waits for the rollout.
# The router key goes into the Secret kube-system/tailscale-router-auth through kubectl's stdin; it is never
# printed, put on a command line or into the DaemonSet.
#
# Usage: scripts/deploy-tailscale-router.sh [--from FILE] [--login-server URL] [--routes CIDRS] [--hostname NAME]
#          [--image IMAGE] [--timeout SECONDS]
# Env (flags win): TS_LOGIN_SERVER (default https://login.tailscale.com), TS_AUTHKEY (required; or --from
#        tmp/cluster-<id>-headscale.json from scripts/headscale-namespace-and-keys.sh), TS_ROUTES (default
#        10.0.0.0/24,10.96.0.0/12,10.244.0.0/16), TS_HOSTNAME (default subnet-router; nodes join as <name>-<node>),
#        TS_IMAGE (default tailscale/tailscale:stable), KUBECONFIG / current context.
# Shell equivalent of the tailnet-provision job's "keys" (router part), "router" and "rollout" steps.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
FROM="" TIMEOUT=300
LOGIN="${TS_LOGIN_SERVER:-}" ROUTES="${TS_ROUTES:-}" HOSTNAME_PREFIX="${TS_HOSTNAME:-}" IMAGE="${TS_IMAGE:-tailscale/tailscale:stable}"
while [ $# -gt 0 ]; do
  case "$1" in
    --from) FROM="$2"; shift 2 ;;
    --login-server) LOGIN="$2"; shift 2 ;;
    --routes) ROUTES="$2"; shift 2 ;;
    --hostname) HOSTNAME_PREFIX="$2"; shift 2 ;;
    --image) IMAGE="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
KEY="${TS_AUTHKEY:-}"
if [ -n "$FROM" ]; then
  command -v jq >/dev/null || { echo "--from needs jq" >&2; exit 2; }
  [ -r "$FROM" ] || { echo "cannot read $FROM" >&2; exit 2; }
  KEY="$(jq -r '.routerAuthKey // empty' "$FROM")"
  [ -n "$LOGIN" ] || LOGIN="$(jq -r '.loginServer // empty' "$FROM")"
fi
if [ -z "$KEY" ]; then
  echo "no router auth key (TS_AUTHKEY or --from tmp/cluster-<id>-headscale.json): router not deployed (skipped)"
  exit 0
fi
command -v kubectl >/dev/null || { echo "deploy-tailscale-router.sh needs kubectl" >&2; exit 2; }
LOGIN="${LOGIN:-https://login.tailscale.com}"
ROUTES="${ROUTES:-10.0.0.0/24,10.96.0.0/12,10.244.0.0/16}"
HOSTNAME_PREFIX="${HOSTNAME_PREFIX:-subnet-router}"
printf '%s' "$ROUTES" | grep -Eq '^[0-9a-fA-F:./]+(,[0-9a-fA-F:./]+)*$' || { echo "TS_ROUTES must be comma-separated CIDRs" >&2; exit 2; }

echo "context: $(kubectl config current-context 2>/dev/null || echo '?'); login server $LOGIN; routes $ROUTES; hostname $HOSTNAME_PREFIX-<node>"
# the key through stdin: kubectl renders the Secret, a second kubectl applies it
printf '%s' "$KEY" | kubectl -n kube-system create secret generic tailscale-router-auth --from-file=authkey=/dev/stdin \
  --dry-run=client -o yaml | kubectl apply -f - >/dev/null
echo "secret kube-system/tailscale-router-auth applied"
sed -e "s|\${TS_IMAGE}|$IMAGE|g" -e "s|\${TS_LOGIN_SERVER}|$LOGIN|g" -e "s|\${TS_ROUTES}|$ROUTES|g" \
    -e "s|\${TS_HOSTNAME}|$HOSTNAME_PREFIX|g" "$HERE/k8s/tailscale-router.yaml" | kubectl apply -f -
if ! kubectl -n kube-system rollout status ds/tailscale-subnet-router --timeout="${TIMEOUT}s"; then
  echo "router not ready within ${TIMEOUT}s; last log lines:" >&2
  logs="$(kubectl -n kube-system logs ds/tailscale-subnet-router --tail=50 2>&1 || true)"
  printf '%s\n' "${logs//"$KEY"/***}" >&2   # redacted in the shell: the key never reaches another process's arguments
  exit 1
fi
echo "router ready. Approve its routes in Headscale (the tailnet-provision job does this), e.g.:"
echo "  headscale routes list; headscale routes enable -r <id>"
