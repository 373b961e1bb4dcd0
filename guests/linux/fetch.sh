#!/usr/bin/env bash
# Fetches the Linux guest's parts from Debian's package registry into a cache
# folder (never into the repository) and unpacks what shrike needs:
#   OUT/Image     the arm64 kernel of the current bookworm linux-image-*-arm64
#                 (Debian's vmlinuz is an uncompressed arm64 Image)
#   OUT/busybox   busybox-static for arm64
#   OUT/VERSION   the two package versions, one per line
# Usage: fetch.sh OUT   (run by the build; see docs/linux-guests.md)
# Needs arm64 as a dpkg foreign architecture with its package lists, which
# scripts/setup.sh adds; as root this script adds them itself.
set -euo pipefail

out=${1:?usage: fetch.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if ! dpkg --print-foreign-architectures | grep -qx arm64 ||
    ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        dpkg --add-architecture arm64
        apt-get update -qq
    else
        echo "fetch.sh: arm64 packages are not known to apt; run scripts/setup.sh" >&2
        exit 1
    fi
fi

# linux-image-arm64 is the metapackage; it depends on the current ABI's package.
kpkg=$(apt-cache depends linux-image-arm64:arm64 |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-arm64\).*/\1/p' | head -n 1)
if [ -z "$kpkg" ]; then
    echo "fetch.sh: cannot find the kernel package behind linux-image-arm64:arm64" >&2
    exit 1
fi
kver=$(apt-cache show --no-all-versions "$kpkg:arm64" | sed -n 's/^Version: //p')
bver=$(apt-cache show --no-all-versions busybox-static:arm64 | sed -n 's/^Version: //p')
want=$(printf '%s %s\nbusybox-static %s\n' "$kpkg" "$kver" "$bver")

if [ -f "$out/VERSION" ] && [ "$(cat "$out/VERSION")" = "$want" ] &&
    [ -f "$out/Image" ] && [ -f "$out/busybox" ]; then
    exit 0 # cached
fi

echo "fetch.sh: downloading $kpkg $kver and busybox-static $bver (arm64)"
rm -rf "$out/debs"
mkdir -p "$out/debs"
# apt-get download writes into the current folder; as root, apt's sandbox
# user may not be able to write there, which only costs a warning.
(cd "$out/debs" && apt-get download -q "$kpkg:arm64" "busybox-static:arm64" 2>&1 |
    grep -v "unsandboxed" || true)
kdeb=$(ls "$out"/debs/linux-image-*_arm64.deb)
bdeb=$(ls "$out"/debs/busybox-static_*_arm64.deb)

rm -rf "$out/unpack"
mkdir -p "$out/unpack"
dpkg-deb -x "$bdeb" "$out/unpack"
# The kernel package is mostly modules; only its /boot/vmlinuz is needed.
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$out/unpack" --wildcards './boot/vmlinuz-*'

cp "$out"/unpack/boot/vmlinuz-* "$out/Image.tmp"
if [ "$(od -An -tx4 -j56 -N4 "$out/Image.tmp" | tr -d ' ')" != "644d5241" ]; then
    echo "fetch.sh: $kpkg's vmlinuz is not an uncompressed arm64 Image" >&2
    exit 1
fi
mv "$out/Image.tmp" "$out/Image"
cp "$out/unpack/bin/busybox" "$out/busybox"
rm -rf "$out/unpack" "$out/debs"
printf '%s\n' "$want" >"$out/VERSION"
echo "fetch.sh: $out/Image ($(stat -c %s "$out/Image") bytes), $out/busybox"
