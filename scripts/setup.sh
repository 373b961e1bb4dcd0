#!/usr/bin/env bash
# Installs what a bare Debian 12 machine lacks to build and test shrike, then
# configures the build folder (default: build/, or $SHRIKE_BUILD_DIR).
# Non-interactive and idempotent: packages already present are not touched.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=${SHRIKE_BUILD_DIR:-build}

packages=(
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu # cross compiler for shrike and guests
    qemu-system-arm                                  # qemu-system-aarch64
    cmake ninja-build                                # build
    gcc libc6-dev                                    # host unit tests (ASan/UBSan runtimes come with gcc)
    python3                                          # QEMU runner and system-test harness
    device-tree-compiler                             # guest DTBs
    gdb-multiarch                                    # debugging (ninja debug-smp4)
    clang-format cppcheck                            # ninja check
    clang libclang-rt-14-dev                         # fuzz harnesses (libFuzzer, ASan, UBSan runtimes)
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
updated=false
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    updated=true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# The Linux guests' kernel and busybox are Debian arm64 packages, which the
# build downloads (guests/linux/fetch.sh): apt must know arm64 packages.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "setup: adding arm64 as a foreign architecture (for the Linux guests' packages)"
    $sudo dpkg --add-architecture arm64
    updated=false
fi
if ! $updated && ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
    $sudo apt-get update -qq
fi

if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S . -B "$build_dir" -G Ninja
fi
echo "setup: ready; build folder: $build_dir"
