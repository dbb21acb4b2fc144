#!/usr/bin/env bash
# Recall@k and latency of the IVF index against exact search on synthetic clustered 384-dim data.
# Usage: bench/ivf-recall.sh [size=1000000] [lists=256] [k=10, or a list: 10,100] [queries=200] [centres=size/100] [spread=1.0] [flat|two-level|hnsw]  (for hnsw, "lists" is M)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl router-core -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test >/dev/null
cp=router-core/target/test-classes:router-core/target/classes:$(cat router-core/target/jmh.classpath)
exec java ${IVF_JAVA_OPTS:--Xms6g -Xmx6g} --add-modules jdk.incubator.vector -cp "$cp" dev.pointsman.core.knn.bench.IvfReport "$@"
