/** Display formatting of addresses and sizes (the core's hex/formatSize plus a rounded human size). */
import { formatSize, hex } from "@guestmap/core";

export { hex };

/** `0x4200_0000`-free, plain lower-case hex, padded to 8 digits below 4 GiB (as QEMU prints). */
export function addr(v: bigint): string {
  return `0x${v.toString(16).padStart(8, "0")}`;
}

/** A short human size: exact when a whole unit of at most 4 digits, else rounded (`29.5 MiB`). */
export function human(v: bigint): string {
  const exact = formatSize(v);
  // Exact when short ("24 MiB"); "1064784 KiB" reads better as "1.02 GiB".
  if ((!exact.endsWith("bytes") && Number.parseFloat(exact) < 10000) || v < 1024n) return exact;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let n = Number(v);
  let u = -1;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n.toFixed(n < 10 ? 2 : 1)} ${units[u]}`;
}
