#!/usr/bin/env bash
# Writes a guildnet.config join bundle (version 2) from a kubeconfig, in the same shape
# as POST /api/deploy/clusters/{id}?action=join-config&include_secrets=true.
#
# Usage: scripts/generate_join_config.sh --kubeconfig FILE [--name NAME] [--namespace NS]
#          [--hostapp-url URL] [--ca FILE] [--login-server URL] [--client-key KEY]
#          [--output FILE]
# The bundle holds the kubeconfig (a secret): it is written with mode 0600.
set -euo pipefail
command -v jq >/dev/null || { echo "generate_join_config.sh needs jq (apt-get install -y jq)" >&2; exit 2; }

KUBECONFIG_FILE="" NAME="" NAMESPACE="" URL="https://127.0.0.1:8090" CA="" LOGIN="" KEY="" OUT="guildnet.config"
[ -f "${GUILDNET_HOME:-$HOME/.guildnet}/state/certs/server.crt" ] && CA="${GUILDNET_HOME:-$HOME/.guildnet}/state/certs/server.crt"
while [ $# -gt 0 ]; do
  case "$1" in
    --kubeconfig) KUBECONFIG_FILE="$2"; shift 2 ;;
    --name) NAME="$2"; shift 2 ;;
    --namespace) NAMESPACE="$2"; shift 2 ;;
    --hostapp-url) URL="$2"; shift 2 ;;
    --ca) CA="$2"; shift 2 ;;
    --login-server) LOGIN="$2"; shift 2 ;;
    --client-key) KEY="$2"; shift 2 ;;
    -o|--output) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
[ -n "$KUBECONFIG_FILE" ] || { echo "--kubeconfig is required" >&2; exit 2; }
[ -r "$KUBECONFIG_FILE" ] || { echo "cannot read $KUBECONFIG_FILE" >&2; exit 2; }
[ -n "$NAME" ] || NAME="$(basename "$KUBECONFIG_FILE" | sed 's/\.[^.]*$//')"
CA_PEM=""
[ -n "$CA" ] && CA_PEM="$(cat "$CA")"

umask 077
jq -n --arg kc "$(cat "$KUBECONFIG_FILE")" --arg name "$NAME" --arg ns "$NAMESPACE" --arg url "$URL" \
      --arg ca "$CA_PEM" --arg login "$LOGIN" --arg key "$KEY" --arg host "$(hostname)" --arg user "${USER:-}" \
      --arg now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '
  {version: 2, created_at: $now, creator: {host: $host, user: $user},
   ui: ({vite_api_base: $url} + (if $ca != "" then {ca_pem: $ca} else {} end)),
   hostapp: ({url: $url} + (if $ca != "" then {ca_pem: $ca} else {} end)),
   cluster: ({name: $name, kubeconfig: $kc, notes: ""} + (if $ns != "" then {namespace: $ns} else {} end)),
   tailscale: ({login_server: $login, hostname: ""} + (if $key != "" then {preauth_key: $key} else {} end)),
   secrets_included: true}' > "$OUT"
echo "wrote $OUT (mode 0600; it contains the kubeconfig)"
