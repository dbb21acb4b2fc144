#!/usr/bin/env bash
# Encoder × router ablation (README, "Pushing past the plateau"): lift over the global trend on
# RouterBench per dataset (20 seeds) and as one mixed pool (10 seeds), and on RouterDC's fixed
# splits (5 seeds). Resumable: finished reports are kept.
# Usage: bench/ablation.sh [SHARED_DATA_DIR] [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pm="${POINTSMAN:-$root/bin/pointsman}"  # set POINTSMAN to run a frozen build
data="${1:-$root/../shared/data}"
out="${2:-$root/bench/results/ablation}"
encoders="${ENCODERS:-all-minilm-l6-v2,bge-small-en-v1.5-q,e5-small-v2-q,all-minilm-l6-v2+bge-small-en-v1.5-q,all-minilm-l6-v2+e5-small-v2-q,all-minilm-l6-v2+features}"
routers="${ROUTERS:-knn-100,knn-shrunk,knn-kernel,clusters,linear,linear-mse,knn-linear}"
mkdir -p "$out"
run() { # name, then bench ablation options
  local name="$1"; shift
  [ -f "$out/$name.md" ] && return 0
  echo "== $name" >&2
  "$pm" bench ablation --embedders "$encoders" --routers "$routers" --out "$out" --name "$name" \
    "$@" > /dev/null
}
rb="$data/routerbench/routerbench-0shot-arc-mbpp-winogrande.jsonl"
run routerbench-per-dataset --data "$rb" --seeds 20
run routerbench-mixed --data "$rb" --seeds 10 --mixed
run routerdc --data "$data/routerdc-7model/routerdc-7model.jsonl" --seeds 5
