#!/usr/bin/env bash
# Fetches the real things the Xen boot tests run: Debian 12's arm64 Xen hypervisor, Linux kernel
# and static busybox, U-Boot for QEMU's arm64 virt machine and its mkimage, then builds two newc initramfs
# images whose /init prints a marker (one for dom0, one for a dom0less domU).
#
# How: a private apt configuration (its own sources list, lists and cache; arm64 lists added with
# APT::Architectures) downloads the exact packages without touching dpkg's state, `dpkg-deb -x`
# unpacks them, and Debian's own cpio (downloaded the same way) writes the archives as root-owned
# files without needing root.
#
# Usage: scripts/fetch-xen-boot.sh          Output: $CACHE/xen-boot/out/ (see below); the boot
# tests (packages/cli/conformance/xen-boot*.test.ts) read it via xenBootFiles(). A second run is
# offline. The kernel package name carries its ABI: it is pinned here so every run boots the same
# kind of kernel; when Debian drops it, update LINUX_PKG (apt-cache depends linux-image-arm64).
set -euo pipefail

LINUX_PKG=linux-image-6.1.0-57-arm64
XEN_PKG=xen-hypervisor-4.17-arm64
CACHE="${GUESTMAP_CACHE:-$HOME/.cache/guestmap}/xen-boot"
APT="$CACHE/apt"
OUT="$CACHE/out"

if [ -s "$OUT/xen" ] && [ -s "$OUT/Image" ] && [ -s "$OUT/dom0.cpio" ] && [ -s "$OUT/domu.cpio" ] && [ -s "$OUT/u-boot.bin" ] && [ -x "$OUT/mkimage" ]; then
  echo "fetch-xen-boot: already in $OUT"
  exit 0
fi

mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$CACHE/debs"
{
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main"
} >"$APT/sources.list"
opts=(-o "APT::Architectures::=arm64" -o "Dir::Etc::SourceList=$APT/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
  -o "APT::Sandbox::User=root")

# package spec -> the file name prefix apt-get download gives it
pkgs=("$XEN_PKG:arm64" "$LINUX_PKG:arm64" "busybox-static:arm64" "u-boot-qemu:all" "cpio:amd64"
  "u-boot-tools:amd64" "libssl3:amd64")
need=0
for p in "${pkgs[@]}"; do
  ls "$CACHE/debs/${p%%:*}_"*.deb >/dev/null 2>&1 || need=1
done
if [ "$need" = 1 ]; then
  apt-get "${opts[@]}" update -q
  (cd "$CACHE/debs" && apt-get "${opts[@]}" download "${pkgs[@]}")
fi

root="$CACHE/root"
rm -rf "$root" "$OUT.tmp"
mkdir -p "$root" "$OUT.tmp"
# Only the files we need: the kernel package alone unpacks to ~400 MB of modules.
dpkg-deb --fsys-tarfile "$CACHE/debs/${XEN_PKG}_"*.deb | tar -x -C "$root" --wildcards './boot/xen-*'
dpkg-deb --fsys-tarfile "$CACHE/debs/${LINUX_PKG}_"*.deb | tar -x -C "$root" --wildcards './boot/vmlinuz-*'
dpkg-deb --fsys-tarfile "$CACHE/debs/busybox-static_"*.deb | tar -x -C "$root" ./bin/busybox
dpkg-deb --fsys-tarfile "$CACHE/debs/u-boot-qemu_"*.deb | tar -x -C "$root" ./usr/lib/u-boot/qemu_arm64/u-boot.bin
dpkg-deb -x "$CACHE/debs/cpio_"*.deb "$root/cpio"
# mkimage: the judge of `export --uboot-image`; libssl3 beside it in case the host lacks it.
dpkg-deb -x "$CACHE/debs/u-boot-tools_"*.deb "$root/tools"
dpkg-deb -x "$CACHE/debs/libssl3_"*.deb "$root/tools"

cp "$root"/boot/xen-*-arm64 "$OUT.tmp/xen"
cp "$root"/boot/vmlinuz-* "$OUT.tmp/Image"
cp "$root/usr/lib/u-boot/qemu_arm64/u-boot.bin" "$OUT.tmp/u-boot.bin"
cat >"$OUT.tmp/mkimage" <<WRAP
#!/bin/sh
# Debian's mkimage (u-boot-tools), unpacked by scripts/fetch-xen-boot.sh.
LD_LIBRARY_PATH='$root/tools/usr/lib/x86_64-linux-gnu' exec '$root/tools/usr/bin/mkimage' "\$@"
WRAP
chmod +x "$OUT.tmp/mkimage"

# initramfs: /init (busybox sh) prints the marker. dom0's powers the machine off (Xen then exits
# QEMU); when a dom0less domU must print too, dom0 waits instead (GUESTMAP_DOM0_WAIT on its
# command line) so the test sees both markers before it stops QEMU.
mkinitramfs() { # name marker
  local dir="$CACHE/initramfs-$1"
  rm -rf "$dir"
  mkdir -p "$dir/bin" "$dir/dev" "$dir/proc"
  cp "$root/bin/busybox" "$dir/bin/busybox"
  cat >"$dir/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox mount -t proc proc /proc
echo "$2"
if /bin/busybox grep -q guestmap_wait /proc/cmdline; then /bin/busybox sleep 120; fi
/bin/busybox poweroff -f
INIT
  chmod +x "$dir/init"
  (cd "$dir" && find . | LC_ALL=C sort | "$root/cpio/bin/cpio" --quiet -o -H newc -R 0:0) >"$OUT.tmp/$1.cpio"
}
mkinitramfs dom0 GUESTMAP-DOM0-INIT-OK
mkinitramfs domu GUESTMAP-DOMU-INIT-OK

rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
ls -l "$OUT"
