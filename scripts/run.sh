#!/usr/bin/env bash
# Runs the GuildNet Host App on https://127.0.0.1:8090 (LISTEN_LOCAL) with state in
# ~/.guildnet (GUILDNET_HOME). Prepares the TLS certificate first, so the first
# request is already served with it, then runs Liberty in the foreground.
# Extra arguments go to `mvn liberty:run` (e.g. -o for offline).
set -euo pipefail
cd "$(dirname "$0")/.."
export GUILDNET_HOME="${GUILDNET_HOME:-$HOME/.guildnet}"
export LISTEN_LOCAL="${LISTEN_LOCAL:-127.0.0.1:8090}"
mvn -B -q -DskipTests "$@" compile
java -cp target/classes io.guildnet.security.TlsBootstrap
exec mvn -B "$@" liberty:run
