/**
 * Test fixture builders: a hand-rolled DTB writer that knows nothing of the codec under test
 * (so it can also write blobs the codec must reject) and fast-check arbitraries for trees.
 */
import fc from "fast-check";
import type { Fdt, FdtNode, FdtProperty } from "../../src/fdt/index.js";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function u32(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => {
    view.setUint32(i * 4, w >>> 0);
  });
  return out;
}

function pad4(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(b.length / 4) * 4);
  out.set(b);
  return out;
}

/** Structure-block tokens, raw. */
export const tok = {
  begin: (name: string) => concat(u32(1), pad4(ascii(`${name}\0`))),
  end: () => u32(2),
  prop: (nameoff: number, value: Uint8Array | number[]) =>
    concat(u32(3, value.length, nameoff), pad4(Uint8Array.from(value))),
  nop: () => u32(4),
  fin: () => u32(9),
  raw: (...words: number[]) => u32(...words),
};

export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatAll(parts);
}

/** {@link concat} for long lists (no argument spreading). */
export function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface Layout {
  offRsv: number;
  offStruct: number;
  offStrings: number;
  sizeStruct: number;
  sizeStrings: number;
  total: number;
}

/**
 * A blob laid out as header (0x28) | rsvmap | struct | strings, as dtc does; `patch` may then
 * overwrite header words (big-endian, by byte offset) to break it.
 */
export function rawBlob(opts: {
  struct: Uint8Array[];
  strings?: string;
  rsv?: [bigint, bigint][];
  version?: number;
  lastComp?: number;
  bootCpu?: number;
  patch?: Record<number, number>;
}): { bytes: Uint8Array; layout: Layout } {
  const rsv = concat(
    ...(opts.rsv ?? []).map(([a, s]) => {
      const e = new Uint8Array(16);
      new DataView(e.buffer).setBigUint64(0, a);
      new DataView(e.buffer).setBigUint64(8, s);
      return e;
    }),
    new Uint8Array(16),
  );
  const struct = concatAll(opts.struct);
  const strings = ascii(opts.strings ?? "");
  const offRsv = 0x28;
  const offStruct = offRsv + rsv.length;
  const offStrings = offStruct + struct.length;
  const total = offStrings + strings.length;
  const version = opts.version ?? 17;
  const header = u32(
    0xd00dfeed,
    total,
    offStruct,
    offStrings,
    offRsv,
    version,
    opts.lastComp ?? 16,
    opts.bootCpu ?? 0,
    strings.length,
    version >= 17 ? struct.length : 0,
  );
  const bytes = concat(header, rsv, struct, strings);
  const view = new DataView(bytes.buffer);
  for (const [at, word] of Object.entries(opts.patch ?? {})) view.setUint32(Number(at), word >>> 0);
  return {
    bytes,
    layout: { offRsv, offStruct, offStrings, sizeStruct: struct.length, sizeStrings: strings.length, total },
  };
}

/** Node names dtc accepts without errors; never "cpus" (dtc would guess a boot cpu from it). */
export const nodeNameArb = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9,._+-]{0,10}$/), fc.option(fc.stringMatching(/^[0-9a-f]{1,9}$/)))
  .map(([base, unit]) => (unit === null ? base : `${base}@${unit}`))
  .filter((n) => n !== "cpus");

/** Property names dtc accepts; never the ones dtc treats specially (phandles, "name"). */
export const propNameArb = fc
  .stringMatching(/^[a-z#][a-z0-9,._+?#-]{0,14}$/)
  .filter((n) => !["name", "phandle", "linux,phandle", "ibm,phandle"].includes(n));

const stringChars = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constantFrom(7, 8, 9, 10, 11, 12, 13, 0x5c, 0x22) },
);
const stringArb = fc.array(stringChars, { maxLength: 12 });

/** Values of every shape the DTS printer distinguishes. */
export const valueArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  stringArb.map((s) => Uint8Array.from([...s, 0])),
  fc
    .array(stringArb, { minLength: 1, maxLength: 4 })
    .map((l) => Uint8Array.from(l.flatMap((s) => [...s, 0]))),
  fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 6 }).map((c) => u32(...c)),
  fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { maxLength: 3 }).map((vs) => {
    const out = new Uint8Array(vs.length * 8);
    vs.forEach((v, i) => {
      new DataView(out.buffer).setBigUint64(i * 8, v);
    });
    return out;
  }),
  fc.uint8Array({ minLength: 1, maxLength: 9 }).filter((b) => b.length % 2 === 1),
  fc.uint8Array({ maxLength: 16 }),
  fc.constant(new Uint8Array(0)),
);

const propsArb: fc.Arbitrary<FdtProperty[]> = fc
  .uniqueArray(fc.tuple(propNameArb, valueArb), { maxLength: 5, selector: ([n]) => n })
  .map((ps) => ps.map(([name, value]) => ({ name, value })));

function childrenArb(depth: number): fc.Arbitrary<FdtNode[]> {
  if (depth === 0) return fc.constant([]);
  return fc
    .uniqueArray(fc.tuple(nodeNameArb, propsArb, childrenArb(depth - 1)), {
      maxLength: depth > 2 ? 3 : 2,
      selector: ([n]) => n,
    })
    .map((cs) => cs.map(([name, props, children]) => ({ name, props, children })));
}

/** A chain of `n` nested nodes under the root, for deep-nesting cases. */
export function deepRoot(n: number): FdtNode {
  let node: FdtNode = { name: `n${n}`, props: [{ name: "x", value: u32(n) }], children: [] };
  for (let i = n - 1; i >= 1; i--) node = { name: `n${i}`, props: [], children: [node] };
  return { name: "", props: [], children: [node] };
}

/** Whole trees: random shapes up to 4 levels, sometimes a deep chain, 0–3 reservations. */
export const fdtArb: fc.Arbitrary<Fdt> = fc
  .record({
    bootCpuId: fc.constant(0),
    memReserve: fc.array(
      fc
        .record({
          address: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          size: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        })
        .filter((e) => e.size !== 0n),
      { maxLength: 3 },
    ),
    props: propsArb,
    children: childrenArb(4),
    deep: fc.option(fc.integer({ min: 5, max: 60 }), { freq: 5 }),
  })
  .map(({ bootCpuId, memReserve, props, children, deep }) => ({
    version: 17,
    bootCpuId,
    memReserve,
    root: {
      name: "",
      props,
      children:
        deep === null ? children : [...children.filter((c) => c.name !== "n1"), ...deepRoot(deep).children],
    },
  }));

/** Plain-JSON view of a tree (bigints and bytes made comparable) for deep equality. */
export function plain(fdt: Fdt): unknown {
  return JSON.parse(
    JSON.stringify(fdt, (_k, v) =>
      typeof v === "bigint" ? `0x${v.toString(16)}` : v instanceof Uint8Array ? Array.from(v) : v,
    ),
  );
}
