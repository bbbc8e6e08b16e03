/**
 * Intel HEX as QEMU's generic loader reads it (hw/core/loader.c, load_targphys_hex_as): every
 * run of data records at consecutive addresses becomes one ROM at its address, named after the
 * file. Records: 00 data, 01 end, 02 extended segment address (×16), 04 extended linear address
 * (the upper 16 bits); 03/05 (start addresses) carry no data.
 */
import { decodeLatin1 } from "../util/text.js";

export interface HexBlock {
  readonly addr: bigint;
  readonly size: bigint;
}

const RECORD = /^:([0-9A-Fa-f]{2})([0-9A-Fa-f]{4})([0-9A-Fa-f]{2})([0-9A-Fa-f]*)$/;

/** Whether `head` looks like Intel HEX (its first line is a well-formed record). */
export function looksLikeIntelHex(head: Uint8Array | undefined): boolean {
  if (!head) return false;
  if (head[0] !== 0x3a) return false;
  const nl = head.indexOf(0x0a);
  const line = decodeLatin1(head.subarray(0, nl < 0 ? Math.min(head.length, 600) : nl)).trimEnd();
  return RECORD.test(line);
}

/**
 * The ROM blocks of a whole Intel HEX text, or undefined when a record is malformed (QEMU then
 * falls back to loading the file raw).
 */
export function intelHexBlocks(text: string): HexBlock[] | undefined {
  const blocks: { addr: bigint; size: bigint }[] = [];
  let upper = 0n;
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (line === "") continue;
    const m = RECORD.exec(line);
    if (!m) return undefined;
    const len = Number.parseInt(m[1]!, 16);
    const data = m[4]!;
    if (data.length !== 2 * (len + 1)) return undefined;
    const type = Number.parseInt(m[3]!, 16);
    if (type === 1) break;
    if (type === 4) upper = BigInt(Number.parseInt(data.slice(0, 4), 16)) << 16n;
    else if (type === 2) upper = BigInt(Number.parseInt(data.slice(0, 4), 16)) << 4n;
    else if (type === 0 && len > 0) {
      const addr = upper + BigInt(Number.parseInt(m[2]!, 16));
      const last = blocks[blocks.length - 1];
      if (last && last.addr + last.size === addr) last.size += BigInt(len);
      else blocks.push({ addr, size: BigInt(len) });
    } else if (type !== 0 && type !== 3 && type !== 5) return undefined;
  }
  return blocks;
}
