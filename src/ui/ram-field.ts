/** What the RAM (-m) field reads: the app's sizes (`2G`, `2GiB`, `0x80000000` bytes), and QEMU's own `-m` fractions. */
import { parseRamSize, parseSize } from "@guestmap/core";

/**
 * `3.5G` is a size QEMU takes (`qemu_strtosz_MiB`: 0xe0000000 bytes in `info mtree` and the DTB's
 * memory node on 7.2 and 10.0.2), so the field takes it too. A bare number stays bytes, as in
 * every size field of the app (QEMU would read `-m 512` as MiB).
 */
export function parseRamText(text: string): bigint | undefined {
  return parseSize(text) ?? parseRamSize(text)?.given;
}
