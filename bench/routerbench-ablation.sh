#!/usr/bin/env bash
# Embedder / truncation ablation on the full RouterBench file for knn-100 and linear, 5 seeds.
# Usage: bench/routerbench-ablation.sh [DATA] [OUT_DIR]   (resumable: finished reports are kept)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pm="${POINTSMAN:-$root/bin/pointsman}"  # set POINTSMAN to run a frozen build
data="${1:-$root/../shared/data/routerbench/routerbench-0shot-arc-mbpp-winogrande.jsonl}"
out="${2:-$root/bench/results/routerbench-ablation}"
mkdir -p "$out"
for embedder in all-minilm-l6-v2 all-minilm-l6-v2-q bge-small-en-v1.5 bge-small-en-v1.5-q; do
  for truncation in tail head-tail head; do
    report="$out/$embedder.$truncation.json"
    [ -f "$report" ] && continue
    echo "== $embedder $truncation" >&2
    "$pm" eval --data "$data" --embedder "$embedder" --truncation "$truncation" \
      --routers knn-100,linear --seeds 5 --report "$report.tmp" > "$out/$embedder.$truncation.txt"
    mv "$report.tmp" "$report"
  done
done
