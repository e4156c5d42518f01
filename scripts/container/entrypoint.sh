#!/bin/sh
# Container entry point: TLS material and the launch file first (io.guildnet.security.TlsBootstrap,
# exactly as scripts/run.sh), then Liberty in the foreground through the image's own helper.
set -eu
: "${GUILDNET_HOME:=/var/lib/guildnet}"
export GUILDNET_HOME
mkdir -p "$GUILDNET_HOME"
java -cp /opt/guildnet/classes io.guildnet.security.TlsBootstrap
exec /opt/ol/helpers/runtime/docker-server.sh /opt/ol/wlp/bin/server run defaultServer
