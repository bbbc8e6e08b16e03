/** Why a parsed address or size cannot be used, as shown inline under a field. Pure. */
import { formatRamSize, parseQemuOpts, U64_MAX } from "@guestmap/core";

/** Addresses and sizes are 64-bit in QEMU. */
export function fitsU64(v: bigint): string | undefined {
  return v > U64_MAX ? "above 0xffffffffffffffff; QEMU addresses and sizes are 64-bit" : undefined;
}

/** A file size: at least one byte. */
export function validFileSize(v: bigint): string | undefined {
  return v === 0n ? "a blob of 0 bytes loads nothing; type the file's size" : fitsU64(v);
}

/** `-m`: what the core can write for QEMU exactly (a non-zero multiple of 8 KiB). */
export function validRam(v: bigint): string | undefined {
  if (formatRamSize(v) !== undefined) return undefined;
  if (v > U64_MAX) return fitsU64(v);
  const up = ((v + 8191n) / 8192n) * 8192n || 8192n;
  return `QEMU rounds -m up to 8 KiB and reads 0 as its 128 MiB default; use a multiple of 8 KiB such as ${up}`;
}

/** Text that goes into one command-line argument: anything but NUL, which no argv element can carry. */
export function argvText(text: string): string | undefined {
  const at = text.indexOf("\0");
  return at < 0
    ? undefined
    : `a NUL character (at position ${at}) cannot be passed on a command line; remove it`;
}

/** `-M` properties as typed (`key=value,key`): every key non-empty and not `type` (the machine itself). */
export function machineProps(text: string): string | undefined {
  for (const p of parseQemuOpts(text)) {
    if (p.key.trim() === "")
      return `"${p.key}=${p.value}" has no property name; write name=value, e.g. virtualization=on`;
    if (p.key === "type") return "the machine type is not a property here (guestmap models virt)";
  }
  return undefined;
}
