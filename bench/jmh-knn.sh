#!/usr/bin/env bash
# JMH: exact kNN search over 10k / 100k / 1M × 384 support sets, k = 10 and 100, one thread.
# Usage: bench/jmh-knn.sh [JMH options...]   e.g. -p size=10000 -wi 1 -i 3 -rff out.json -rf json
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl router-core -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test >/dev/null
cp=router-core/target/test-classes:router-core/target/classes:$(cat router-core/target/jmh.classpath)
exec java -cp "$cp" org.openjdk.jmh.Main KnnSearchBenchmark "$@"
