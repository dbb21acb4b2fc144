#!/usr/bin/env bash
# The closing-note runs: every router, 5 seeds, on the full RouterBench file and on RouterDC
# (train → test and ood). Usage: bench/full-evaluation.sh [SHARED_DATA_DIR] [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pm="${POINTSMAN:-$root/bin/pointsman}"  # set POINTSMAN to run a frozen build
data="${1:-$root/../shared/data}"
out="${2:-$root/bench/results}"
embedder="${EMBEDDER:-all-minilm-l6-v2}"
truncation="${TRUNCATION:-tail}"
mkdir -p "$out"
run() { # name data-file
  local name="$1" file="$2"
  [ -f "$out/$name.json" ] && return 0
  echo "== $name" >&2
  "$pm" eval --data "$file" --embedder "$embedder" --truncation "$truncation" \
    --seeds 5 --report "$out/$name.json.tmp" --plot "$out/$name-plots" > "$out/$name.txt"
  mv "$out/$name.json.tmp" "$out/$name.json"
}
run routerbench "$data/routerbench/routerbench-0shot-arc-mbpp-winogrande.jsonl"
run routerdc-7model "$data/routerdc-7model/routerdc-7model.jsonl"
