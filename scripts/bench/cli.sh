#!/usr/bin/env bash
# The CLI and SDK: `mgn cluster list` start-to-result (new JVM per run: plain java -jar and
# scripts/mgn with its AppCDS archive) and the SDK's per-call cost vs raw java.net.http calls,
# against a real Host App (Liberty, loopback) with 5 registered clusters; and one call in a new JVM
# through GuildNetClient vs the MicroProfile Rest Client (RESTEasy), each on its minimal class path.
# Usage: scripts/bench/cli.sh [runs=10] [sdk-calls=2000]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -DskipTests pre-integration-test   # war, target/mgn.jar, Liberty runtime
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/cli.cp >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench/cli.cp)"
java -Dit.work=target/bench -cp "$CP" io.guildnet.it.CliBench "${1:-10}" "${2:-2000}" 2>&1 | grep -a -E '^(==|java|scripts|curl|round|timeline)'
