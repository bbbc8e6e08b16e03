/** bigint helpers shared by the model, placements and rules. */

export const U64_MAX = (1n << 64n) - 1n;

/** `0x`-prefixed lower-case hex, as QEMU and dtc print addresses. */
export function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** Hex padded to at least `digits` digits (QEMU's `%08` style). */
export function hexPad(v: bigint, digits: number): string {
  return `0x${v.toString(16).padStart(digits, "0")}`;
}

export function alignUp(v: bigint, align: bigint): bigint {
  return ((v + align - 1n) / align) * align;
}

export function alignDown(v: bigint, align: bigint): bigint {
  return (v / align) * align;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

const SUFFIX: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  k: 1n << 10n,
  kib: 1n << 10n,
  m: 1n << 20n,
  mib: 1n << 20n,
  g: 1n << 30n,
  gib: 1n << 30n,
  t: 1n << 40n,
  tib: 1n << 40n,
};

/**
 * Parses a user-typed size or address: `0x…` hex, or decimal optionally with a binary suffix
 * (K/M/G/T, KiB/MiB/GiB/TiB, case-insensitive; `_` digit separators allowed). Returns `undefined`
 * when the text is not such a number. Used for layout files and the UI; QEMU's own stricter
 * syntaxes (strtoull for `addr=`, `-m`) live with the command-line parser.
 */
export function parseSize(text: string): bigint | undefined {
  // Suffixes go with decimal only: in "0x4b" the b is a hex digit.
  const m = /^\s*(?:(0x[0-9a-f_]+)|([0-9][0-9_]*)\s*([kmgt]i?b?|b)?)\s*$/i.exec(text);
  if (!m) return undefined;
  if (m[1]) {
    const digits = m[1].replace(/_/g, "");
    // "0X_" is "0X" once the separators go: no digits (and BigInt("0X") would throw).
    return digits.length <= 2 ? undefined : BigInt(digits);
  }
  const digits = m[2]!.replace(/_/g, "");
  const mult = SUFFIX[(m[3] ?? "").toLowerCase().replace(/^([kmgt])b$/, "$1")];
  if (mult === undefined) return undefined;
  return BigInt(digits) * mult;
}

/** A size in the largest binary unit that divides it exactly: `2 GiB`, `1.5 MiB` is shown as bytes. */
export function formatSize(v: bigint): string {
  const units: [bigint, string][] = [
    [1n << 40n, "TiB"],
    [1n << 30n, "GiB"],
    [1n << 20n, "MiB"],
    [1n << 10n, "KiB"],
  ];
  for (const [u, name] of units) if (v >= u && v % u === 0n) return `${v / u} ${name}`;
  return `${v} bytes`;
}

/** A size rounded to one decimal in the largest binary unit below it (`16.0 EiB`), for messages. */
export function approxSize(v: bigint): string {
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let unit = "bytes";
  let scale = 1n;
  for (const [i, name] of units.entries()) {
    const u = 1n << BigInt(10 * (i + 1));
    if (v >= u) {
      unit = name;
      scale = u;
    }
  }
  if (scale === 1n) return `${v} bytes`;
  const tenths = (v * 10n + scale / 2n) / scale;
  return `${tenths / 10n}.${tenths % 10n} ${unit}`;
}

/**
 * The aligned address nearest to `addr` (≡ offset mod align). Here rather than with `addFiles`,
 * its first user: the app's drag snaps with it, and must not load the placing of files to do so.
 */
export function snapToAlignment(addr: bigint, align: bigint, offset = 0n): bigint {
  if (align <= 1n) return addr;
  const rel = addr - offset;
  const down = rel - (((rel % align) + align) % align);
  return (rel - down <= down + align - rel ? down : down + align) + offset;
}
