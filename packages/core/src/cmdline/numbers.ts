/**
 * QEMU's number syntaxes on the command line, verified against QEMU 7.2:
 * - integer properties such as guest-loader's `addr=`: C `strtoull(…, 0)` over the whole value;
 * - `-m`: `qemu_strtosz_MiB`, a size in MiB unless suffixed, rounded up to 8 KiB by vl.c.
 */
import { U64_MAX } from "../util/bigint.js";

/** QEMU's message for an integer property it cannot parse (`Parameter 'addr' expects integer`). */
export function expectsIntegerMessage(name: string): string {
  return `Parameter '${name}' expects integer`;
}

const C_SPACE = /^[ \t\n\v\f\r]*/;

/**
 * Parses like QEMU's integer properties (`qemu_strtou64(text, &end, 0)`, then insisting on the
 * end of the text): leading C white space, an optional sign, `0x`/`0X` hex, a leading `0` for
 * octal, else decimal; `-N` wraps modulo 2^64 (`-1` is 0xffffffffffffffff); values above 2^64 − 1,
 * trailing characters (a `K` suffix, a space), `_` separators and an empty value are rejected.
 * Returns `undefined` where QEMU says `Parameter '…' expects integer`.
 */
export function parseQemuUint(text: string): bigint | undefined {
  let s = text.replace(C_SPACE, "");
  let negative = false;
  if (s.startsWith("+") || s.startsWith("-")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = BigInt(`0x${s.slice(2)}`);
  else if (/^0[0-7]*$/.test(s)) v = s.length > 1 ? BigInt(`0o${s.slice(1)}`) : 0n;
  else if (/^[1-9][0-9]*$/.test(s)) v = BigInt(s);
  else return undefined;
  if (v > U64_MAX) return undefined;
  return negative ? -v & U64_MAX : v;
}

/** QEMU's `-m` rounding: vl.c aligns the RAM size up to 8 KiB. */
export const RAM_ALIGN = 8192n;
/** QEMU's `virt` RAM size when `-m` is absent or 0. */
const DEFAULT_RAM = 128n << 20n;

const SUFFIX_SHIFT: Record<string, bigint> = { b: 0n, k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };

/** A parsed `-m` size: the text's value and the RAM QEMU actually gives the guest. */
export interface RamSize {
  /** The number as written, in bytes. */
  readonly given: bigint;
  /** What QEMU uses: `given` rounded up to 8 KiB, or 128 MiB for 0. */
  readonly ram: bigint;
  /** Hex with a suffix, which QEMU accepts with a deprecation warning. */
  readonly deprecatedHexSuffix: boolean;
}

/**
 * Parses a `-m` size as QEMU 7.2 does (`qemu_strtosz_MiB`): decimal (a leading `0` is still
 * decimal) with an optional fraction, or `0x` hex without fraction; an optional suffix
 * `B K M G T P E` in either case (`GiB`, `GB` are rejected); no suffix means MiB — also for hex
 * (`0x400` is 0x400 MiB); leading white space is skipped, anything trailing is rejected. A non-zero
 * fraction needs an explicit multiplier other than `B` (`-m 1.5` is refused, `-m 2.0` is not); its
 * bytes are truncated. Returns `undefined` where QEMU says
 * `Parameter 'size' expects a non-negative number below 2^64`.
 */
export function parseRamSize(text: string): RamSize | undefined {
  const s = text.replace(C_SPACE, "").replace(/^\+/, "");
  const m = /^(?:(0[xX][0-9a-fA-F]+)|([0-9]+)(?:\.([0-9]*))?)([bBkKmMgGtTpPeE]?)$/.exec(s);
  if (!m) return undefined;
  const [, hexPart, intPart, frac, suffix] = m;
  const shift = SUFFIX_SHIFT[(suffix || "m").toLowerCase()]!;
  const mul = 1n << shift;
  let given: bigint;
  if (hexPart !== undefined) given = BigInt(hexPart.toLowerCase()) * mul;
  else {
    const whole = BigInt(intPart!);
    let fracBytes = 0n;
    if (frac !== undefined && frac !== "" && /[1-9]/.test(frac)) {
      // QEMU takes a fraction only with an explicit multiplier: `-m 1.5` is refused, `1.5G` is not.
      if (mul === 1n || suffix === "") return undefined;
      fracBytes = (BigInt(frac) * mul) / 10n ** BigInt(frac.length);
    }
    given = whole * mul + fracBytes;
  }
  if (given > U64_MAX) return undefined;
  const ram = given === 0n ? DEFAULT_RAM : ((given + RAM_ALIGN - 1n) / RAM_ALIGN) * RAM_ALIGN;
  return { given, ram, deprecatedHexSuffix: hexPart !== undefined && suffix !== "" };
}

/**
 * A `-m` value QEMU 7.2 parses back to exactly `bytes`: the largest of `T G M K` that divides it,
 * else a byte count with `B`. `undefined` when no text can give this RAM size: 0 (QEMU takes it as
 * "default") or not a multiple of 8 KiB (QEMU rounds it up).
 */
export function formatRamSize(bytes: bigint): string | undefined {
  if (bytes <= 0n || bytes % RAM_ALIGN !== 0n || bytes > U64_MAX) return undefined;
  for (const [unit, shift] of [
    ["T", 40n],
    ["G", 30n],
    ["M", 20n],
    ["K", 10n],
  ] as const) {
    if (bytes % (1n << shift) === 0n) return `${bytes >> shift}${unit}`;
  }
  return `${bytes}B`;
}
