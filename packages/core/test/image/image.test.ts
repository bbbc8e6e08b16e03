import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ImageFormat, imageSize, writeImage } from "../../src/image/image.js";
import { planRaw, resolveSlices } from "../../src/image/plan.js";
import { type BlobSource, type ByteSink, ImageError, type ImageRegion } from "../../src/image/source.js";
import { CHUNK, OVERLAPPED_BUFFERS } from "../../src/image/write.js";

export function memSource(bytes: Uint8Array): BlobSource {
  return { size: BigInt(bytes.length), read: async (o, n) => bytes.slice(Number(o), Number(o) + n) };
}
const fill = (n: number, v: number) => new Uint8Array(n).fill(v);

async function image(regions: ImageRegion[], format: ImageFormat, range?: { start: bigint; end: bigint }) {
  const parts: Uint8Array[] = [];
  await writeImage(
    regions,
    { write: async (c) => void parts.push(c.slice()) },
    { format, arch: "aarch64", range },
  );
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe("raw image", () => {
  it("fills gaps with zeros and lets a later region win where regions overlap", async () => {
    const a = { addr: 0x1000n, size: 4n, source: memSource(fill(4, 1)) };
    const b = { addr: 0x1002n, size: 4n, source: memSource(fill(4, 2)) };
    const c = { addr: 0x1008n, size: 2n, source: memSource(fill(2, 3)) };
    expect([...(await image([a, b, c], "raw"))]).toEqual([1, 1, 2, 2, 2, 2, 0, 0, 3, 3]);
    expect([...(await image([b, a], "raw"))]).toEqual([1, 1, 1, 1, 2, 2]);
    expect([...(await image([a], "raw", { start: 0xffen, end: 0x1002n }))]).toEqual([0, 0, 1, 1]);
  });

  it("plans a sparse 4 GiB span as two blob slices and zero runs", () => {
    const big = { size: 512n << 20n, read: async () => new Uint8Array(0) };
    const plan = planRaw([
      { addr: 0x40000000n, size: big.size, source: big },
      { addr: 0x40000000n + (4n << 30n) - big.size, size: big.size, source: big },
    ]);
    expect(plan.map((s) => [s.kind, s.kind === "bytes" ? s.data.length : s.length])).toEqual([
      ["blob", 512n << 20n],
      ["zeros", 3n << 30n],
      ["blob", 512n << 20n],
    ]);
  });

  it("reads blobs in chunks of at most 1 MiB and fails on a short read", async () => {
    const sizes: number[] = [];
    const src: BlobSource = {
      size: 3n << 20n,
      read: async (_o, n) => {
        sizes.push(n);
        return new Uint8Array(n);
      },
    };
    await image([{ addr: 0n, size: src.size, source: src }], "raw");
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK);
    const short: BlobSource = { size: 10n, read: async () => new Uint8Array(3) };
    await expect(image([{ addr: 0n, size: 10n, source: short }], "raw")).rejects.toMatchObject({
      code: "short-read",
    });
  });

  it("rejects regions larger than their source and empty ranges", async () => {
    await expect(
      image([{ addr: 0n, size: 5n, source: memSource(fill(4, 1)) }], "raw"),
    ).rejects.toBeInstanceOf(ImageError);
    await expect(image([{ addr: 0n, size: 0n, source: memSource(fill(4, 1)) }], "raw")).rejects.toMatchObject(
      { code: "bad-range" },
    );
  });
});

describe("Intel HEX", () => {
  it("writes type 04 records, 16-byte data records that never cross 64 KiB, and an EOF record", async () => {
    const text = new TextDecoder().decode(
      await image([{ addr: 0x4000fff8n, size: 20n, source: memSource(fill(20, 0xab)) }], "ihex"),
    );
    // Expected lines: `objcopy -I binary -O ihex --change-addresses 0x4000fff8` (binutils), minus its
    // type 05 start-address record, which guestmap does not write.
    expect(text.split("\r\n")).toEqual([
      ":020000044000BA",
      ":08FFF800ABABABABABABABABA9",
      ":020000044001B9",
      ":0C000000ABABABABABABABABABABABABF0",
      ":00000001FF",
      "",
    ]);
  });
  it("refuses addresses at or above 4 GiB", async () => {
    await expect(
      image([{ addr: 0xfffffffen, size: 4n, source: memSource(fill(4, 1)) }], "ihex"),
    ).rejects.toMatchObject({
      code: "address-too-high",
    });
  });
});

describe("limits: the cap, holes and the 64-bit address space", () => {
  const one = (addr: bigint) => ({ addr, size: 1n, source: memSource(fill(1, 9)) });

  it("refuses a 16 EiB span before writing a byte; maxBytes: null lifts the cap", async () => {
    const writes: number[] = [];
    const sink = { write: async (c: Uint8Array) => void writes.push(c.length) };
    const regions = [one(0x40000000n), one(0xfffffffffffff000n)];
    const err = await writeImage(regions, sink, { format: "raw", arch: "aarch64" }).catch((e) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).code).toBe("too-large");
    expect((err as ImageError).message).toBe(
      "the raw image would be 16.0 EiB (18446744072635805697 bytes), more than the 4 GiB cap: its range spans from the lowest to the highest blob; export a narrower range",
    );
    expect(writes).toEqual([]);
    // The ELF of the same regions is two one-byte segments: far below the cap.
    expect(imageSize(regions, { format: "elf", arch: "aarch64" })).toBe(64n + 2n * 56n + 2n);
  });

  it("zero runs become skips for a sink that can skip", async () => {
    const ops: string[] = [];
    await writeImage(
      [one(0x1000n), one(0x40001000n)],
      { write: async (c) => void ops.push(`w${c.length}`), skip: async (n) => void ops.push(`s${n}`) },
      { format: "raw", arch: "aarch64" },
    );
    expect(ops).toEqual(["w1", `s${0x40000000 - 1}`, "w1"]);
  });

  it("a region or range past 2^64 is an error, never a wrapped address", async () => {
    const sink = { write: async () => {} };
    const past = { addr: 0x1_0000_0000_4800_0000n, size: 1n, source: memSource(fill(1, 1)) };
    for (const format of ["raw", "elf", "ihex"] as const) {
      const e = await writeImage([past], sink, { format, arch: "aarch64", maxBytes: null }).catch((x) => x);
      expect((e as ImageError).code).toBe("address-overflow");
    }
    const edge = { addr: 0xffff_ffff_ffff_ffffn, size: 2n, source: memSource(fill(2, 1)) };
    const e2 = await writeImage([edge], sink, {
      format: "elf",
      arch: "aarch64",
      range: { start: 0xffff_ffff_ffff_ff00n, end: 1n << 64n },
    }).catch((x) => x);
    expect((e2 as ImageError).message).toBe(
      "region 0 at 0xffffffffffffffff (2 bytes) ends past 2^64, which no guest address reaches; move it below 0xfffffffffffffffe",
    );
    const e3 = await writeImage([one(0x1000n)], sink, {
      format: "raw",
      arch: "aarch64",
      range: { start: 0n, end: (1n << 64n) + 1n },
      maxBytes: null,
    }).catch((x) => x);
    expect((e3 as ImageError).code).toBe("address-overflow");
    const e4 = await writeImage([one(0x1000n)], sink, {
      format: "raw",
      arch: "aarch64",
      range: { start: 0x2000n, end: 0x1000n },
    }).catch((x) => x);
    expect((e4 as ImageError).message).toBe(
      "range 0x2000:0x1000 is empty or reversed; give START:END with END > START",
    );
  });
});

it("a region past 2^64 is named as such with the default range", async () => {
  const past = { addr: 0xffff_ffff_ffff_f000n, size: 0x2000n, source: memSource(fill(0x2000, 1)) };
  const e = await writeImage([past], { write: async () => {} }, { format: "raw", arch: "aarch64" }).catch(
    (x) => x,
  );
  expect((e as ImageError).message).toBe(
    "region 0 at 0xfffffffffffff000 (8192 bytes) ends past 2^64, which no guest address reaches; move it below 0xffffffffffffe000",
  );
});

describe("buffer reuse (a sink that consumes chunks, a source that reads into a buffer)", () => {
  /** A source that can `readInto`, counting how many distinct buffers it was handed. */
  function intoSource(bytes: Uint8Array, seen: Set<ArrayBufferLike>, cut = bytes.length): BlobSource {
    return {
      size: BigInt(bytes.length),
      read: async (o, n) => bytes.slice(Number(o), Math.min(cut, Number(o) + n)),
      readInto: async (o, into) => {
        seen.add(into.buffer);
        const part = bytes.subarray(Number(o), Math.min(cut, Number(o) + into.length));
        into.set(part);
        return part.length;
      },
    };
  }
  const pattern = (n: number, seed: number) =>
    Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

  async function consumed(regions: ImageRegion[], format: ImageFormat) {
    const parts: Buffer[] = [];
    let busy = false;
    await writeImage(
      regions,
      {
        consumesChunks: true,
        write: async (c) => {
          // Writes come one at a time, and each chunk is read before the promise resolves.
          expect(busy).toBe(false);
          busy = true;
          await new Promise((r) => setTimeout(r, 0));
          parts.push(Buffer.from(c));
          busy = false;
        },
      },
      { format, arch: "aarch64" },
    );
    return Buffer.concat(parts);
  }

  it("gives the same raw and Intel HEX bytes as the copying path, through two buffers", async () => {
    const a = pattern((5 << 20) + 5, 1);
    const b = pattern(1 << 20, 2);
    const seen = new Set<ArrayBufferLike>();
    const regions = (src: (x: Uint8Array) => BlobSource) => [
      { addr: 0x100000n, size: BigInt(a.length), source: src(a) },
      { addr: 0x100000n + BigInt(a.length) + 0x3000n, size: BigInt(b.length), source: src(b) },
    ];
    for (const format of ["raw", "ihex"] as const) {
      const want = await image(regions(memSource), format);
      const got = await consumed(
        regions((x) => intoSource(x, seen)),
        format,
      );
      expect(Buffer.compare(got, want)).toBe(0);
    }
    expect(seen.size).toBeLessThanOrEqual(4);
  });

  it("gathers many small blobs, short gaps and overlaps into few writes, byte for byte", async () => {
    const regions = (src: (x: Uint8Array) => BlobSource) =>
      Array.from({ length: 800 }, (_, i) => {
        const bytes = pattern(100 + (i % 7) * 1000, i);
        // Gaps of 0–3 KiB, every 50th blob a 100 KiB gap (a hole), some blobs overlapping.
        const addr = BigInt(i * 7000 + (i % 50 === 0 ? 100_000 * (i / 50) : 0) - (i % 13 === 0 ? 500 : 0));
        return { addr: 0x10000n + addr, size: BigInt(bytes.length), source: src(bytes) };
      });
    const want = await image(regions(memSource), "raw");
    let writes = 0;
    const parts: Buffer[] = [];
    await writeImage(
      regions((x) => intoSource(x, new Set())),
      {
        consumesChunks: true,
        write: async (c) => {
          writes++;
          parts.push(Buffer.from(c));
        },
        skip: async (n) => {
          parts.push(Buffer.alloc(Number(n)));
        },
      },
      { format: "raw", arch: "aarch64" },
    );
    expect(Buffer.compare(Buffer.concat(parts), want)).toBe(0);
    expect(writes).toBeLessThan(40);
  }, 30_000);

  it("a short read is a short-read error; a failed write is thrown, not left unhandled", async () => {
    const a = pattern(9 << 20, 3);
    // Cut at 5 MiB: a later piece comes back short.
    const short = [{ addr: 0n, size: BigInt(a.length), source: intoSource(a, new Set(), 5 << 20) }];
    await expect(consumed(short, "raw")).rejects.toMatchObject({ code: "short-read" });
    let writes = 0;
    const failing = writeImage(
      [{ addr: 0n, size: BigInt(a.length), source: intoSource(a, new Set()) }],
      {
        consumesChunks: true,
        write: async () => {
          if (++writes === 1) throw new Error("disk full");
        },
      },
      { format: "raw", arch: "aarch64" },
    );
    await expect(failing).rejects.toThrow("disk full");
  });
});

describe("overlapping writes (a sink that places each write when it is called, like a file)", () => {
  const pattern = (n: number, seed: number) =>
    Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 12)) & 0xff);
  /** A source whose reads finish in a scrambled order, counting the buffers it is handed. */
  function slowSource(bytes: Uint8Array, seen: Set<ArrayBufferLike>, cut = bytes.length): BlobSource {
    let k = 0;
    return {
      size: BigInt(bytes.length),
      read: async (o, n) => bytes.slice(Number(o), Number(o) + n),
      readInto: async (o, into) => {
        seen.add(into.buffer);
        // Piece 0 last, then 2, 3, 1: an unordered writer would place them wrongly.
        await new Promise((r) => setTimeout(r, [6, 0, 4, 2][k++ % 4]));
        const part = bytes.subarray(Number(o), Math.min(cut, Number(o) + into.length));
        into.set(part);
        return part.length;
      },
    };
  }
  /** A file-like sink: each write takes its offset at the call and lands after a random delay. */
  function fileSink(fail?: number) {
    const out = { bytes: new Uint8Array(0), inFlight: 0, most: 0, writes: 0, afterFailure: 0 };
    let pos = 0;
    let failed = false;
    const place = (at: number, c: Uint8Array) => {
      if (at + c.length > out.bytes.length) {
        const grown = new Uint8Array(at + c.length);
        grown.set(out.bytes);
        out.bytes = grown;
      }
      out.bytes.set(c, at);
    };
    const sink: ByteSink & { skip(n: bigint): Promise<void> } = {
      consumesChunks: true,
      overlapsWrites: true,
      write(c) {
        const at = pos;
        pos += c.length;
        if (failed) out.afterFailure++;
        const k = ++out.writes;
        out.inFlight++;
        out.most = Math.max(out.most, out.inFlight);
        return new Promise<void>((ok, no) =>
          setTimeout(
            () => {
              out.inFlight--;
              if (k === fail) {
                failed = true;
                no(new Error("disk full"));
                return;
              }
              // The chunk is read only now: a buffer refilled before this would show here.
              place(at, c);
              ok();
            },
            (k * 3) % 4,
          ),
        );
      },
      skip: async (n) => {
        pos += Number(n);
      },
    };
    return { out, sink, end: () => pos };
  }

  it("gives the bytes of the sequential path, with several writes in flight and bounded buffers", async () => {
    const a = pattern((9 << 20) + 12345, 1);
    const b = pattern((6 << 20) + 3, 2);
    const seen = new Set<ArrayBufferLike>();
    const regions = (src: (x: Uint8Array) => BlobSource) => [
      { addr: 0x4000_0000n, size: BigInt(a.length), source: src(a) },
      { addr: 0x4200_0000n, size: BigInt(b.length), source: src(b) },
    ];
    const want = await image(regions(memSource), "raw");
    const { out, sink, end } = fileSink();
    await writeImage(
      regions((x) => slowSource(x, seen)),
      sink,
      { format: "raw", arch: "aarch64" },
    );
    const got = new Uint8Array(end());
    got.set(out.bytes);
    expect(Buffer.compare(Buffer.from(got), want)).toBe(0);
    // Two writes overlap, never more than the buffers; a buffer per piece in flight.
    expect(out.most).toBe(OVERLAPPED_BUFFERS);
    expect(seen.size).toBe(OVERLAPPED_BUFFERS);
    expect(out.inFlight).toBe(0);
  });

  it("a failed write is thrown once every read and write in flight has settled; nothing follows it", async () => {
    const a = pattern(20 << 20, 3);
    const { out, sink } = fileSink(2);
    const failing = writeImage(
      [{ addr: 0n, size: BigInt(a.length), source: slowSource(a, new Set()) }],
      sink,
      { format: "raw", arch: "aarch64" },
    );
    await expect(failing).rejects.toThrow("disk full");
    expect(out.inFlight).toBe(0);
    expect(out.afterFailure).toBe(0);
    const short = writeImage(
      [{ addr: 0n, size: BigInt(a.length), source: slowSource(a, new Set(), 9 << 20) }],
      fileSink().sink,
      { format: "raw", arch: "aarch64" },
    );
    await expect(short).rejects.toMatchObject({ code: "short-read" });
  });
});

describe("resolveSlices", () => {
  /** The first implementation: for each piece between cut points, the last region covering it. */
  function naive(regions: ImageRegion[], r: { start: bigint; end: bigint }) {
    const cuts = new Set<bigint>([r.start, r.end]);
    for (const g of regions)
      for (const a of [g.addr, g.addr + g.size]) if (a > r.start && a < r.end) cuts.add(a);
    const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: { addr: bigint; region: number; offset: bigint; length: bigint }[] = [];
    for (let k = 0; k + 1 < points.length; k++) {
      const a = points[k]!;
      const b = points[k + 1]!;
      let win = -1;
      regions.forEach((g, i) => {
        if (g.size > 0n && g.addr <= a && g.addr + g.size >= b) win = i;
      });
      if (win < 0) continue;
      const prev = out[out.length - 1];
      if (prev && prev.region === win && prev.addr + prev.length === a) prev.length += b - a;
      else out.push({ addr: a, region: win, offset: a - regions[win]!.addr, length: b - a });
    }
    return out;
  }

  it("picks the last region covering each byte, as the pairwise scan does, for any overlaps", () => {
    const src = memSource(new Uint8Array(64));
    const region = fc.record({ addr: fc.bigInt(0n, 80n), size: fc.bigInt(0n, 40n) });
    fc.assert(
      fc.property(
        fc.array(region, { minLength: 1, maxLength: 12 }),
        fc.bigInt(0n, 60n),
        fc.bigInt(1n, 70n),
        (rs, s, len) => {
          const regions = rs.map((g) => ({ ...g, size: g.size > 64n ? 64n : g.size, source: src }));
          if (!regions.some((g) => g.size > 0n)) return;
          const range = { start: s, end: s + len };
          const got = resolveSlices(regions, range).map(({ addr, region, offset, length }) => ({
            addr,
            region,
            offset,
            length,
          }));
          expect(got).toEqual(naive(regions, range));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
