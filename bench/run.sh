#!/usr/bin/env bash
# Runs the load benchmark (see docs/performance.md). Extra JVM properties pass through, e.g.
#   bench/run.sh -Dsessions=50 -Dconcurrency=64 -Dmoderate=4 -Dseconds=10 -DidleSessions=10000
#   bench/run.sh -Dseconds=3 -Dwarmup=2 -DidleSessions=1000 -Dcds=false     # a quick check of the harness
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/gitlab-mcp-gateway.jar ] || mvn -B -q -DskipTests package
mvn -B -q -DskipTests test-compile
[ -f target/bench.classpath ] && [ target/bench.classpath -nt pom.xml ] \
  || mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -XX:+UseParallelGC "$@" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.gitlabmcp.gateway.bench.Benchmark
