#!/usr/bin/env bash
# Unpacks the parts made by make-bundle.sh (from PARTS_DIR) into DEST and runs
# `pointsman bench embed` with the bundled runtime, on CUDA and then on CPU.
# Usage: bench/gpu/run-bundle.sh PARTS_DIR DEST REPORT_DIR [bench embed options...]
set -euo pipefail
parts=${1:?parts dir}; dest=${2:?dest}; reports=${3:?report dir}; shift 3
mkdir -p "$dest" "$reports"
if [ ! -x "$dest/jdk/bin/java" ]; then
  cat "$parts"/part-* | zstd -d -q --long=27 | tar xf - -C "$dest"
fi
export LD_LIBRARY_PATH="$dest/cuda12:$dest/ort:${LD_LIBRARY_PATH:-}"
java=("$dest/jdk/bin/java" -Xmx8g -Donnxruntime.native.path="$dest/ort" -jar "$dest/app/pointsman.jar")
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
"${java[@]}" bench embed --cuda --report "$reports/bench-embed-cuda.json" "$@"
if [ "${SKIP_CPU:-0}" != 1 ]; then
  "${java[@]}" bench embed --report "$reports/bench-embed-cpu.json" "$@"
fi
