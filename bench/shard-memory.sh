#!/usr/bin/env bash
# Bytes per support example: a shard's heap mirror and its RocksDB state entries.
# Usage: bench/shard-memory.sh [examples=100000] [models=11] [dimension=384]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl flink-jobs -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
cp=flink-jobs/target/test-classes:flink-jobs/target/classes:$(cat flink-jobs/target/bench.classpath)
exec java -Xms4g -Xmx4g -XX:+UseSerialGC --add-modules jdk.incubator.vector -cp "$cp" \
  dev.pointsman.flink.support.bench.ShardMemoryReport "$@"
