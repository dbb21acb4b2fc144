#!/usr/bin/env bash
# The images' base, built without a container engine or a registry: Debian 12 (debootstrap's
# minbase variant) with OpenJDK 17's headless runtime, from Debian's packages, written as a
# `docker save`-format tarball that Jib takes as `tar://…`.
# Usage: images/build-base.sh OUT.tar     (as root; installs debootstrap if missing)
set -euo pipefail
out=${1:?usage: build-base.sh OUT.tar}
command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
echo "images: debootstrap bookworm (minbase) + openjdk-17-jre-headless → $rootfs" >&2
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates,libgomp1 \
  bookworm "$rootfs" >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
# What a container does not need: package caches and lists, documentation, device nodes.
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/log/* "$rootfs"/dev/* \
  "$rootfs"/proc/* "$rootfs"/sys/* "$rootfs"/tmp/* "$rootfs"/root/.[!.]* 2>/dev/null || true
java_home=$(dirname "$(dirname "$(readlink -f "$rootfs/usr/bin/java")")")
java_home=${java_home#"$rootfs"}
mkdir -p "$work/image"
tar --sort=name --mtime=@0 --numeric-owner -C "$rootfs" -cf "$work/image/layer.tar" .
diff_id=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat >"$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created_by":"images/build-base.sh: debootstrap bookworm minbase, openjdk-17-jre-headless"}]}
JSON
cat >"$work/image/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["pointsman/base-jre:17-bookworm"],"Layers":["layer.tar"]}]
JSON
mkdir -p "$(dirname "$out")"
tar --mtime=@0 -C "$work/image" -cf "$out" manifest.json config.json layer.tar
echo "images: base $out ($(du -h "$out" | cut -f1), JAVA_HOME $java_home)" >&2
