/**
 * The layout file's `modules` array without zod: a CLI layout holds up to 100k stanzas, and
 * zod's per-field validation (an object and a result per field) was a fifth of `guestmap check`'s
 * CPU at that size and most of its transient memory. This reads only entries zod accepts, giving
 * what zod gives; at the first entry it is not sure of it returns `undefined` and the caller
 * validates the whole array with zod, so every error message and path stays zod's.
 */
import { base64Decode } from "../util/base64.js";
import { parseSize } from "../util/bigint.js";

/** One module as the schema outputs it: `addr` defaulted, the rest as given. */
export interface ParsedModule {
  readonly id?: string;
  readonly addr: bigint;
  readonly kernel?: ParsedBlob;
  readonly initrd?: ParsedBlob;
  readonly bootargs?: string;
}

export interface ParsedBlob {
  readonly path: string;
  readonly size?: bigint;
  readonly sha256?: string;
  readonly head?: Uint8Array;
}

const SHA256 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A size or address as the schema's `bigintText` takes it; `undefined` where zod would complain. */
function bigintOf(v: unknown): bigint | undefined {
  if (typeof v === "string") return parseSize(v);
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return undefined;
}

function blobOf(v: unknown): ParsedBlob | undefined {
  if (!isRecord(v)) return undefined;
  let path: string | undefined;
  let size: bigint | undefined;
  let sha256: string | undefined;
  let head: Uint8Array | undefined;
  for (const k in v) {
    const x = v[k];
    if (k === "path") {
      if (typeof x !== "string" || x.length === 0) return undefined;
      path = x;
    } else if (k === "size") {
      size = bigintOf(x);
      if (size === undefined) return undefined;
    } else if (k === "sha256") {
      if (typeof x !== "string" || !SHA256.test(x)) return undefined;
      sha256 = x;
    } else if (k === "head") {
      if (typeof x !== "string" || x.length % 4 !== 0 || !BASE64.test(x)) return undefined;
      head = base64Decode(x);
    } else return undefined;
  }
  if (path === undefined) return undefined;
  // Fields set one by one (only those given): a spread per field is a throw-away object each.
  const out: { -readonly [K in keyof ParsedBlob]: ParsedBlob[K] } = { path };
  if (size !== undefined) out.size = size;
  if (sha256 !== undefined) out.sha256 = sha256;
  if (head !== undefined) out.head = head;
  return out;
}

/**
 * The entries of a layout file's `modules`, or `undefined` when any entry is one the schema must
 * judge (a wrong type, an unknown key, a bad number…): then validate the array with zod.
 */
export function parseModulesFast(entries: readonly unknown[]): ParsedModule[] | undefined {
  const out: ParsedModule[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!isRecord(e)) return undefined;
    let id: string | undefined;
    let addr = 0n;
    let kernel: ParsedBlob | undefined;
    let initrd: ParsedBlob | undefined;
    let bootargs: string | undefined;
    for (const k in e) {
      const x = e[k];
      if (k === "addr") {
        const a = bigintOf(x);
        if (a === undefined) return undefined;
        addr = a;
      } else if (k === "initrd") {
        initrd = blobOf(x);
        if (!initrd) return undefined;
      } else if (k === "kernel") {
        kernel = blobOf(x);
        if (!kernel) return undefined;
      } else if (k === "id") {
        if (typeof x !== "string" || x.length === 0) return undefined;
        id = x;
      } else if (k === "bootargs") {
        if (typeof x !== "string") return undefined;
        bootargs = x;
      } else return undefined;
    }
    const m: { -readonly [K in keyof ParsedModule]: ParsedModule[K] } = { addr };
    if (id !== undefined) m.id = id;
    if (kernel) m.kernel = kernel;
    if (initrd) m.initrd = initrd;
    if (bootargs !== undefined) m.bootargs = bootargs;
    out[i] = m;
  }
  return out;
}
