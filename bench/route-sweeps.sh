#!/usr/bin/env bash
# The routing job's scaling sweeps (issue 17, item 5), each through `bench route --sweep`, which
# writes <name>.json, <name>.md, <name>.png (decisions/s) and <name>-latency.png (p50, p99,
# p99.9 and committed p99) to OUT. Every run is a fresh broker and job after bench route's
# 100,000-query warm-up, after one unmeasured run per sweep; about an hour on a 2-core VM.
# Usage: bench/route-sweeps.sh [OUT=bench/results/route/sweep] [ROUNDS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/results/route/sweep}
rounds=${2:-1}
run() { bin/pointsman bench route --out "$out" --rounds "$rounds" "$@"; }
# A hot pool on every subtask: one shard in two copies, decided in one lane or two.
run --shards 1 --replicas 2 --sweep deciders=1,2 --name route-deciders
# Offered load stepping up to saturation (fractions of the measured decisions/s).
run --sweep load=0.25,0.5,0.75,1 --name route-load
# Models per example (every example has every model's outcome).
run --sweep models=11,50,100 --name route-models
# Flink parallelism on the same 2 cores.
run --sweep parallelism=1,2,4 --name route-parallelism
# Pools, each with 1,000 examples and its own catalog, the queries spread over them.
run --support 1000 --sweep pools=1,10,100 --name route-pools
# Support examples per pool (exact search, 2 shards).
run --sweep support=10000,100000 --name route-support
