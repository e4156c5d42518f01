#!/usr/bin/env bash
# Creates the Headscale user (namespace) cluster-<CLUSTER> and mints two reusable, non-ephemeral
# pre-auth keys (router and client), through Headscale's REST API. Writes
# tmp/cluster-<CLUSTER>-headscale.json (mode 0600) = {namespace, loginServer, routerAuthKey, clientAuthKey}.
# Idempotent for the user; every run mints fresh keys. Keys are never printed.
#
# Usage: scripts/headscale-namespace-and-keys.sh [CLUSTER]        (default: $CLUSTER or "default")
# Env:   HEADSCALE_URL (required, e.g. http://192.168.1.10:8081)  HEADSCALE_API_KEY (required;
#        create one with: headscale apikeys create)  TS_LOGIN_SERVER (default HEADSCALE_URL)
#        KEY_EXPIRATION_HOURS (default 24)  OUT_DIR (default tmp)
# Shell equivalent of the tailnet-provision job's "headscale-user" and "keys" steps.
set -euo pipefail
command -v jq >/dev/null || { echo "headscale-namespace-and-keys.sh needs jq" >&2; exit 2; }
command -v curl >/dev/null || { echo "headscale-namespace-and-keys.sh needs curl" >&2; exit 2; }
case "${1:-}" in -h|--help) sed -n '2,12p' "$0"; exit 0 ;; esac

CLUSTER="${1:-${CLUSTER:-default}}"
: "${HEADSCALE_URL:?set HEADSCALE_URL to the Headscale server (e.g. http://127.0.0.1:8081)}"
: "${HEADSCALE_API_KEY:?set HEADSCALE_API_KEY (headscale apikeys create)}"
LOGIN="${TS_LOGIN_SERVER:-$HEADSCALE_URL}"
HOURS="${KEY_EXPIRATION_HOURS:-24}"
OUT_DIR="${OUT_DIR:-tmp}"
USER_NAME="cluster-${CLUSTER}"
BASE="${HEADSCALE_URL%/}"

# The API key goes to curl through a header file (a pipe), never on its command line.
api() { # METHOD PATH [BODY]
  local method="$1" path="$2" body="${3:-}"
  if [ -n "$body" ]; then
    curl -fsS -X "$method" -H @<(printf 'Authorization: Bearer %s\n' "$HEADSCALE_API_KEY") \
      -H 'Content-Type: application/json' --data "$body" "$BASE$path"
  else
    curl -fsS -X "$method" -H @<(printf 'Authorization: Bearer %s\n' "$HEADSCALE_API_KEY") "$BASE$path"
  fi
}

users="$(api GET /api/v1/user)" || { echo "Headscale at $BASE refused or did not answer GET /api/v1/user (check HEADSCALE_URL and HEADSCALE_API_KEY)" >&2; exit 1; }
if printf '%s' "$users" | jq -e --arg u "$USER_NAME" '.users[]? | select(.name == $u)' >/dev/null; then
  echo "Headscale user $USER_NAME exists"
else
  api POST /api/v1/user "$(jq -n --arg u "$USER_NAME" '{name: $u}')" >/dev/null
  echo "created Headscale user $USER_NAME"
fi

expiry="$(date -u -d "+${HOURS} hours" +%Y-%m-%dT%H:%M:%SZ)"
mint() {
  api POST /api/v1/preauthkey "$(jq -n --arg u "$USER_NAME" --arg e "$expiry" '{user: $u, reusable: true, ephemeral: false, expiration: $e}')" \
    | jq -r '.preAuthKey.key'
}
router_key="$(mint)"
client_key="$(mint)"
[ -n "$router_key" ] && [ "$router_key" != null ] && [ -n "$client_key" ] && [ "$client_key" != null ] \
  || { echo "Headscale did not return pre-auth keys" >&2; exit 1; }

mkdir -p "$OUT_DIR"
out="$OUT_DIR/cluster-${CLUSTER}-headscale.json"
umask 077
tmpfile="$(mktemp "$OUT_DIR/.headscale.XXXXXX")"
# jq reads the keys from its environment, not from its arguments
ROUTER_KEY="$router_key" CLIENT_KEY="$client_key" jq -n --arg ns "$USER_NAME" --arg login "$LOGIN" \
  '{namespace: $ns, loginServer: $login, routerAuthKey: env.ROUTER_KEY, clientAuthKey: env.CLIENT_KEY}' > "$tmpfile"
chmod 600 "$tmpfile"
mv "$tmpfile" "$out"
echo "wrote $out (mode 0600): namespace $USER_NAME, router and client keys valid ${HOURS} h"
