/**
 * The `mkimage -T script` form of a U-Boot script: a legacy image header (include/image.h in
 * U-Boot: 64 bytes, big-endian, CRC-32 of header and data) around the script as a one-entry
 * multi-image (its length, a 0 terminator, the text), which U-Boot's `source ADDR` runs.
 */
import CRC32 from "crc-32";
import { encodeUtf8 } from "../util/text.js";

const IH_MAGIC = 0x27051956;
const IH_OS_LINUX = 5;
const IH_ARCH_ARM64 = 22;
const IH_TYPE_SCRIPT = 6;
const IH_COMP_NONE = 0;
const HEADER = 64;
const NAME_LEN = 32;

export interface ScriptImageOptions {
  /** `-a`/`-e`: the load address (the script runs where it is; U-Boot only records it). */
  readonly loadAddr: bigint;
  /** `-n`: up to 31 bytes. */
  readonly name?: string;
  /** ih_time, seconds since 1970; mkimage takes SOURCE_DATE_EPOCH. Default 0, for reproducible output. */
  readonly time?: number;
}

/** Exactly what `SOURCE_DATE_EPOCH=time mkimage -A arm64 -O linux -T script -C none -a A -e A -n NAME -d SCRIPT` writes. */
export function scriptImage(script: string, opts: ScriptImageOptions): Uint8Array {
  const text = encodeUtf8(script);
  const data = new Uint8Array(8 + text.length);
  const dv = new DataView(data.buffer);
  dv.setUint32(0, text.length, false);
  dv.setUint32(4, 0, false);
  data.set(text, 8);
  const out = new Uint8Array(HEADER + data.length);
  const h = new DataView(out.buffer);
  const addr = Number(opts.loadAddr & 0xffffffffn);
  h.setUint32(0, IH_MAGIC, false);
  h.setUint32(8, opts.time ?? 0, false);
  h.setUint32(12, data.length, false);
  h.setUint32(16, addr, false);
  h.setUint32(20, addr, false);
  h.setUint32(24, CRC32.buf(data) >>> 0, false);
  out[28] = IH_OS_LINUX;
  out[29] = IH_ARCH_ARM64;
  out[30] = IH_TYPE_SCRIPT;
  out[31] = IH_COMP_NONE;
  const name = encodeUtf8(opts.name ?? "").subarray(0, NAME_LEN - 1);
  out.set(name, 32);
  out.set(data, HEADER);
  h.setUint32(4, CRC32.buf(out.subarray(0, HEADER)) >>> 0, false);
  return out;
}
