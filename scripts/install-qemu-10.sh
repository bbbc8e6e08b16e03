#!/usr/bin/env bash
# Installs QEMU 10.0.2 (Debian 13's QEMU, from bookworm-backports) beside the system's QEMU 7.2,
# without touching dpkg's state, so the conformance suites can judge guestmap against both.
#
# How: a private apt configuration (its own sources list, lists and cache) downloads the exact
# packages, `dpkg-deb -x` unpacks them into PREFIX/root, and PREFIX/bin/qemu-system-* are small
# wrappers that run the real binary with
#   - `-L PREFIX/root/usr/share/qemu`, so firmware (OpenSBI 1.5.1) comes from 10.0's data dir and
#     not from /usr/share/qemu (7.2's);
#   - a private mount namespace (`unshare -m`, `-rm` when not root) in which 10.0's module dir is
#     bind-mounted over /usr/lib/x86_64-linux-gnu/qemu: QEMU 10 loads modules from that fixed
#     path and aborts on 7.2's ("Only modules from the same build can be loaded").
#
# Usage: scripts/install-qemu-10.sh [PREFIX]     (default /opt/guestmap/qemu-10.0.2)
# Downloads are cached in ${GUESTMAP_CACHE:-$HOME/.cache/guestmap}; a second run is offline.
# The conformance suites find the result through GUESTMAP_QEMU_DIRS (see packages/core/conformance/qemu.ts)
# or at the default PREFIX.
set -euo pipefail

PREFIX="${1:-/opt/guestmap/qemu-10.0.2}"
QEMU_VER="1:10.0.2+ds-2+deb13u1~bpo12+1"
OPENSBI_VER="1.5.1-1~bpo12+2"
CACHE="${GUESTMAP_CACHE:-$HOME/.cache/guestmap}/qemu-10.0.2"
APT="$CACHE/apt"
MULTIARCH_LIB=/usr/lib/x86_64-linux-gnu/qemu

if [ -x "$PREFIX/bin/qemu-system-aarch64" ] && "$PREFIX/bin/qemu-system-aarch64" --version 2>/dev/null | grep -q 'version 10\.0\.2'; then
  echo "install-qemu-10: QEMU 10.0.2 already in $PREFIX"
  exit 0
fi

mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$CACHE/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main" >"$APT/sources.list"
opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "APT::Sandbox::User=root")

pkgs=(qemu-system-arm qemu-system-misc qemu-system-riscv qemu-system-data qemu-system-common)
need=0
for p in "${pkgs[@]}" opensbi; do
  ls "$CACHE/debs/${p}_"*.deb >/dev/null 2>&1 || need=1
done
if [ "$need" = 1 ]; then
  apt-get "${opts[@]}" update -q
  (cd "$CACHE/debs" && apt-get "${opts[@]}" download \
    $(for p in "${pkgs[@]}"; do printf '%s=%s ' "$p" "$QEMU_VER"; done) "opensbi=$OPENSBI_VER")
fi

rm -rf "$PREFIX.tmp"
mkdir -p "$PREFIX.tmp/root" "$PREFIX.tmp/bin"
for deb in "$CACHE/debs/"*.deb; do dpkg-deb -x "$deb" "$PREFIX.tmp/root"; done

for arch in aarch64 arm riscv64 riscv32; do
  cat >"$PREFIX.tmp/bin/qemu-system-$arch" <<WRAP
#!/bin/sh
# QEMU 10.0.2 from $PREFIX/root, with its own data and module dirs (scripts/install-qemu-10.sh).
R='$PREFIX/root'
if [ -d '$MULTIARCH_LIB' ]; then
  if [ "\$(id -u)" = 0 ]; then ns='-m'; else ns='-rm'; fi
  exec unshare \$ns sh -c 'mount --bind "\$0$MULTIARCH_LIB" $MULTIARCH_LIB && exec "\$0/usr/bin/qemu-system-$arch" -L "\$0/usr/share/qemu" "\$@"' "\$R" "\$@"
fi
exec "\$R/usr/bin/qemu-system-$arch" -L "\$R/usr/share/qemu" "\$@"
WRAP
  chmod +x "$PREFIX.tmp/bin/qemu-system-$arch"
done
rm -rf "$PREFIX"
mv "$PREFIX.tmp" "$PREFIX"
# The wrappers name PREFIX/root; the move kept that path valid because it was written with PREFIX.
"$PREFIX/bin/qemu-system-aarch64" --version | head -1
