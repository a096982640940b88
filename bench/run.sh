#!/usr/bin/env bash
# Runs the load benchmark (see docs/performance.md). Extra JVM properties pass through, e.g.
#   bench/run.sh -Dsessions=50 -Dconcurrency=64 -Dseconds=10 -DidleSessions=10000
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/gitlab-mcp-gateway.jar ] || mvn -B -q -DskipTests package
mvn -B -q -DskipTests test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java "$@" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.gitlabmcp.gateway.bench.Benchmark
