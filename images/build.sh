#!/usr/bin/env bash
# Builds Pointsman's container images as tarballs, without a container engine:
#   target/images/base-jre17.tar             the base (images/build-base.sh; kept between runs)
#   streams-app/target/images/streams.tar    pointsman/streams
#   embed-worker/target/images/embed-worker.tar       pointsman/embed-worker (CPU)
#   embed-worker/target/images/embed-worker-gpu.tar   pointsman/embed-worker-gpu (--gpu)
#   flink-jobs/target/images/job.tar         pointsman/job (--job; its base, Flink's image, comes
#                                            from a registry)
# then runs each image's entrypoint with --help (images/run-tarball.sh) to check that it starts.
# Load one with `docker load -i FILE` or push it with skopeo/crane.
# Usage: images/build.sh [--gpu] [--job]     (as root: debootstrap and chroot)
set -euo pipefail
cd "$(dirname "$0")/.."
gpu=0 job=0
for arg in "$@"; do
  case "$arg" in
    --gpu) gpu=1 ;;
    --job) job=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "images/build.sh: unknown option $arg (--gpu, --job)" >&2; exit 2 ;;
  esac
done
base=target/images/base-jre17.tar
[ -s "$base" ] || images/build-base.sh "$base"
echo "images: pointsman/streams, pointsman/embed-worker" >&2
# installed, so that the runs below can build one module on what this one built
mvn -B -q -Pimages install -DskipTests -pl embed-worker,streams-app -am
if [ "$gpu" = 1 ]; then
  echo "images: pointsman/embed-worker-gpu (CUDA 12, cuDNN 9)" >&2
  mvn -B -q -Pimages,gpu package -DskipTests -pl embed-worker
fi
if [ "$job" = 1 ]; then
  echo "images: pointsman/job (on Flink's image)" >&2
  mvn -B -q -Pimages package -DskipTests -pl flink-jobs -am -Dimages.job.skip=false
fi
for image in streams-app/target/images/streams.tar embed-worker/target/images/embed-worker.tar \
    $([ "$gpu" = 1 ] && echo embed-worker/target/images/embed-worker-gpu.tar); do
  images/run-tarball.sh "$image" --help >/dev/null
  echo "images: $image ($(du -h "$image" | cut -f1)) starts: --help answered" >&2
done
