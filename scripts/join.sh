#!/usr/bin/env bash
# Joins the cluster in a guildnet.config bundle to a Host App: checks the Host App is
# up (trusting the bundle's CA), then POSTs the bundle to /api/bootstrap.
#
# Usage: scripts/join.sh FILE [--non-interactive] [--url URL]
# Env:   GUILDNET_API_TOKEN (or ~/.guildnet/state/api-token) when the Host App needs a token.
set -euo pipefail
command -v jq >/dev/null || { echo "join.sh needs jq (apt-get install -y jq)" >&2; exit 2; }
FILE="${1:-}"; shift || true
[ -n "$FILE" ] && [ -r "$FILE" ] || { echo "usage: scripts/join.sh FILE [--non-interactive] [--url URL]" >&2; exit 2; }
INTERACTIVE=1 URL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --non-interactive) INTERACTIVE=0; shift ;;
    --url) URL="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
jq -e '.version == 2' "$FILE" >/dev/null || { echo "$FILE is not a version 2 guildnet.config" >&2; exit 2; }
[ -n "$URL" ] || URL="$(jq -r '.hostapp.url // .ui.vite_api_base // empty' "$FILE")"
[ -n "$URL" ] || URL="https://127.0.0.1:8090"
NAME="$(jq -r '.cluster.name // "cluster"' "$FILE")"

HOME_DIR="${GUILDNET_HOME:-$HOME/.guildnet}"
CURL=(curl -sS --max-time 30)
CA_PEM="$(jq -r '.hostapp.ca_pem // .ui.ca_pem // empty' "$FILE")"
if [ -n "$CA_PEM" ]; then
  mkdir -p "$HOME_DIR/state/certs"; chmod 700 "$HOME_DIR" "$HOME_DIR/state" "$HOME_DIR/state/certs" 2>/dev/null || true
  printf '%s\n' "$CA_PEM" > "$HOME_DIR/state/certs/hostapp-ca.pem"
  CURL+=(--cacert "$HOME_DIR/state/certs/hostapp-ca.pem")
else
  echo "warning: the bundle has no CA; not verifying the Host App's certificate" >&2
  CURL+=(-k)
fi

"${CURL[@]}" "$URL/healthz" | grep -q '^ok$' || { echo "Host App at $URL is not answering /healthz" >&2; exit 1; }
if [ "$INTERACTIVE" = 1 ]; then
  read -r -p "Join cluster '$NAME' to $URL? [y/N] " ans
  case "$ans" in y|Y|yes) ;; *) echo "aborted"; exit 1 ;; esac
fi
TOKEN="${GUILDNET_API_TOKEN:-}"
[ -z "$TOKEN" ] && [ -r "$HOME_DIR/state/api-token" ] && TOKEN="$(cat "$HOME_DIR/state/api-token")"
AUTH=()
[ -n "$TOKEN" ] && AUTH=(-H "Authorization: Bearer $TOKEN")
OUT="$("${CURL[@]}" -w '\n%{http_code}' "${AUTH[@]}" -F "file=@$FILE;type=application/json" "$URL/api/bootstrap")"
CODE="$(tail -n1 <<<"$OUT")"; BODY="$(sed '$d' <<<"$OUT")"
if [ "$CODE" != 200 ]; then
  echo "join failed (HTTP $CODE): $(jq -r '"\(.code): \(.message) \(.details // "")"' <<<"$BODY" 2>/dev/null || echo "$BODY")" >&2
  exit 1
fi
echo "joined cluster '$NAME' as $(jq -r .clusterId <<<"$BODY")"
