#!/usr/bin/env bash
# Deploy one workspace spec to several clusters, wait until each runs, test it through the Host
# App's proxy, and clean up (the seed's "centralized control" pattern, with mgn).
# Usage: docs/examples/multi-cluster-deploy.sh IMAGE CLUSTER...   (e.g. nginx:1.27 us-east-1 us-west-2)
# Needs: MGN_API_URL / MGN_API_TOKEN (or a loopback Host App), scripts/mgn on PATH or MGN.
set -euo pipefail
MGN="${MGN:-scripts/mgn}"
image="$1"; shift
name="demo-$(date +%s)"
trap 'for c in "$@"; do $MGN workspace delete "$c" "$name" >/dev/null 2>&1 || true; done' EXIT

for c in "$@"; do                                  # 1. launch everywhere (in parallel on the clusters)
  $MGN workspace create "$c" --name "$name" --image "$image" --port 80:http --label app=demo
done
for c in "$@"; do                                  # 2. wait (exit 1 on failure or timeout)
  $MGN workspace wait "$c" "$name" --timeout 5m
done
failed=0
for c in "$@"; do                                  # 3. test through the proxy
  if ! $MGN -o json workspace test "$c" "$name" --http-check / --expected-status 200; then
    echo "cluster $c: HTTP check failed" >&2; failed=1
  fi
done
exit $failed
