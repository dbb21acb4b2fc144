#!/usr/bin/env bash
# Runs an image tarball (docker save format, as Jib's buildTar writes it) without a container
# engine: its layers unpacked in order into a root directory, then its entrypoint under chroot
# as the image's user, with the image's environment, on this machine's network. For checking
# the images here; a real deployment runs them with a container runtime.
# Usage: images/run-tarball.sh IMAGE.tar [ARGS...]     (as root)
set -euo pipefail
image=${1:?usage: run-tarball.sh IMAGE.tar [ARGS...]}
shift
work=$(mktemp -d)
trap 'umount "$work/root/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
tar -xf "$image" -C "$work"
mkdir -p "$work/root"
python3 - "$work" <<'PY' >"$work/run.env"
import json, shlex, sys
work = sys.argv[1]
manifest = json.load(open(f"{work}/manifest.json"))[0]
config = json.load(open(f"{work}/{manifest['Config']}"))["config"]
print("layers=(" + " ".join(shlex.quote(l) for l in manifest["Layers"]) + ")")
print("entrypoint=(" + " ".join(shlex.quote(a) for a in config.get("Entrypoint") or []) + ")")
print("environment=(" + " ".join(shlex.quote(e) for e in config.get("Env") or []) + ")")
print("user=" + shlex.quote(config.get("User") or "0:0"))
PY
. "$work/run.env"
for layer in "${layers[@]}"; do
  tar --warning=no-unknown-keyword -xf "$work/$layer" -C "$work/root"
done
mkdir -p "$work/root/proc" "$work/root/tmp" "$work/root/etc"
chmod 1777 "$work/root/tmp"
cp /etc/resolv.conf /etc/hosts "$work/root/etc/" 2>/dev/null || true
mount -t proc proc "$work/root/proc"
chroot --userspec="$user" "$work/root" /usr/bin/env -i "${environment[@]}" HOME=/tmp "${entrypoint[@]}" "$@"
