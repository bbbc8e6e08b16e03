/**
 * Demo blobs made in the browser: real headers followed by filler, at realistic sizes. A demo
 * blob is its first bytes plus a size; the bytes after the head are zero, so a 30 MiB kernel
 * costs a few KiB until it is exported.
 */

/** A generated file: its first bytes (the header the core sniffs) and its total size. */
export interface DemoBlob {
  readonly path: string;
  readonly head: Uint8Array;
  readonly size: bigint;
  /** Bytes at the very end (a cpio trailer); zeros fill between head and tail. */
  readonly tail?: Uint8Array;
}

const ZERO_CHUNK_SIZE = 1 << 20;
let zeroChunk: Blob | undefined;

/** The demo blob as a File; the tail is one shared 1 MiB zero Blob repeated (no big copies). */
export function demoFile(d: DemoBlob): File {
  zeroChunk ??= new Blob([new Uint8Array(ZERO_CHUNK_SIZE)]);
  const parts: BlobPart[] = [d.head as Uint8Array<ArrayBuffer>];
  const tail = d.tail ?? new Uint8Array(0);
  let left = Number(d.size) - d.head.length - tail.length;
  while (left > 0) {
    const n = Math.min(left, ZERO_CHUNK_SIZE);
    parts.push(n === ZERO_CHUNK_SIZE ? zeroChunk : zeroChunk.slice(0, n));
    left -= n;
  }
  parts.push(tail as Uint8Array<ArrayBuffer>);
  return new File(parts, d.path, { type: "application/octet-stream" });
}

function le32(b: Uint8Array, o: number, v: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(o, v >>> 0, true);
}
function le64(b: Uint8Array, o: number, v: bigint): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setBigUint64(o, v, true);
}
function ascii(b: Uint8Array, o: number, s: string): void {
  for (let i = 0; i < s.length; i++) b[o + i] = s.charCodeAt(i) & 0xff;
}

/**
 * An arm64 `Image` (Documentation/arch/arm64/booting.rst): code0 "MZ" for the EFI stub, text_offset,
 * image_size (file plus BSS), flags (LE, 4K pages, anywhere), magic "ARM\x64", PE header offset.
 */
export function arm64Image(opts: {
  path: string;
  size: bigint;
  imageSize: bigint;
  textOffset?: bigint;
  banner: string;
}): DemoBlob {
  const head = new Uint8Array(4096);
  le32(head, 0x00, 0xfa405a4d); // "MZ" + ccmp: the EFI stub's code0
  le32(head, 0x04, 0x14000000 | 0x3ff); // b primary_entry
  le64(head, 0x08, opts.textOffset ?? 0n);
  le64(head, 0x10, opts.imageSize);
  le64(head, 0x18, 0xan);
  ascii(head, 0x38, "ARM\x64");
  le32(head, 0x3c, 0x40);
  ascii(head, 0x40, "PE\0\0");
  ascii(head, 0x200, opts.banner);
  return { path: opts.path, head, size: opts.size };
}

/**
 * Xen for arm64 (xen/arch/arm/arm64/head.S): the same Image header, text_offset 0 and image_size
 * = _end - _start, so QEMU loads it 2 MiB above the base of RAM.
 */
export function xenImage(opts: {
  path: string;
  size: bigint;
  imageSize: bigint;
  arch?: "arm64" | "riscv64";
}): DemoBlob {
  if (opts.arch === "riscv64") {
    const d = riscvImage({
      path: opts.path,
      size: opts.size,
      imageSize: opts.imageSize,
      banner: "Xen 4.19.0 (riscv64)",
    });
    return d;
  }
  return arm64Image({
    path: opts.path,
    size: opts.size,
    imageSize: opts.imageSize,
    banner: "Xen version 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1)",
  });
}

/** A RISC-V `Image` (Documentation/arch/riscv/boot-image-header.rst): magic "RISCV\0\0\0" and "RSC\x05". */
export function riscvImage(opts: {
  path: string;
  size: bigint;
  imageSize: bigint;
  textOffset?: bigint;
  banner: string;
}): DemoBlob {
  const head = new Uint8Array(4096);
  le32(head, 0x00, 0x0000406f | (0x40 << 20)); // j to code
  le64(head, 0x08, opts.textOffset ?? 0x200000n);
  le64(head, 0x10, opts.imageSize);
  le64(head, 0x18, 0n);
  le32(head, 0x20, 0x2); // header version 0.2
  ascii(head, 0x30, "RISCV\0\0\0");
  ascii(head, 0x38, "RSC\x05");
  ascii(head, 0x200, opts.banner);
  return { path: opts.path, head, size: opts.size };
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

/**
 * A newc (`070701`) cpio archive as the kernel's initramfs unpacker reads it: `.`, `init`,
 * `bin/busybox` (sized so that the archive has `size` bytes) and `TRAILER!!!`.
 */
export function newcCpio(opts: { path: string; size: bigint }): DemoBlob {
  const entries: { name: string; mode: number; data: Uint8Array | number }[] = [
    { name: ".", mode: 0o040755, data: 0 },
    {
      name: "init",
      mode: 0o100755,
      data: new TextEncoder().encode("#!/bin/sh\nmount -t proc proc /proc\nexec /bin/sh\n"),
    },
    { name: "bin/busybox", mode: 0o100755, data: 0 },
  ];
  const headerLen = (name: string) => align4(110 + name.length + 1);
  const fixed = entries.reduce(
    (n, e) => n + headerLen(e.name) + align4(typeof e.data === "number" ? 0 : e.data.length),
    headerLen("TRAILER!!!"),
  );
  const busybox = Math.max(0, Math.floor((Number(opts.size) - fixed) / 4) * 4);
  entries[2]!.data = busybox;
  const out: number[] = [];
  let ino = 1;
  const push = (name: string, mode: number, len: number, body?: Uint8Array) => {
    const h = `070701${hex8(ino++)}${hex8(mode)}${hex8(0)}${hex8(0)}${hex8(1)}${hex8(0x66000000)}${hex8(len)}${hex8(0)}${hex8(0)}${hex8(0)}${hex8(0)}${hex8(name.length + 1)}${hex8(0)}`;
    for (const c of `${h}${name}\0`) out.push(c.charCodeAt(0));
    while (out.length % 4) out.push(0);
    if (body) for (const b of body) out.push(b);
    while (body && out.length % 4) out.push(0);
  };
  // Only the head is materialised: stop after busybox's header; the trailer sits at the very end.
  push(".", 0o040755, 0);
  const init = entries[1]!.data as Uint8Array;
  push("init", 0o100755, init.length, init);
  push("bin/busybox", 0o100755, busybox);
  const head = new Uint8Array(out);
  out.length = 0;
  push("TRAILER!!!", 0, 0);
  const trailerLen = out.length;
  const tail = new Uint8Array(Math.max(trailerLen, Number(opts.size) - head.length - busybox));
  tail.set(out.slice(0, trailerLen));
  return { path: opts.path, head, size: opts.size, tail };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
