#!/usr/bin/env bash
# Batch jobs: verify / diagnose / setup durations against fabric8's API double (loopback),
# first in-process on the plain classes, then as Jakarta Batch executions on a real Liberty
# server (embedded Derby job repository), with the framework's overhead per step:
# (execution wall time - time spent in the checks) / steps.
# Usage: scripts/bench/batch.sh [runs=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-10}"
mvn -B -q -o -DskipTests pre-integration-test   # war + Liberty runtime + Derby jars
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/batch.cp >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench/batch.cp)"
java -Dit.work=target/bench -cp "$CP" io.guildnet.it.BatchBench "$RUNS" 2>&1 | grep -a -E '^(==|guildnet-|verify|diagnose|setup)'
