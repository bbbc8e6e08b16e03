import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  MAX_GUNZIP_UIMAGE,
  sniffHeader,
  Unpacker,
  unpackBytes,
  unpackedContent,
  unpackPlan,
  unpackStream,
} from "../src/index.js";
import { arm64Image, efiZboot, rawBlob, uImage } from "./fixtures/kernels.js";

const gz = (b: Uint8Array, opts: Parameters<typeof gzipSync>[1] = {}) => new Uint8Array(gzipSync(b, opts));

/** A uImage header from the fixture with its payload replaced and ih_comp = gzip. */
function gzUImage(payload: Uint8Array): Uint8Array {
  const hdr = uImage(0, 0x41000000);
  const b = new Uint8Array(64 + payload.length);
  b.set(hdr);
  new DataView(b.buffer).setUint32(12, payload.length);
  b[31] = 1;
  b.set(payload, 64);
  return b;
}

describe("unpack: what QEMU decompresses", () => {
  const img = arm64Image(300_000, 0x80000n, 0x100000n);
  it("a gzip kernel: size and head of the content (node's zlib agrees)", () => {
    const u = unpackedContent(unpackBytes(gz(img)));
    expect(u?.size).toBe(BigInt(img.length));
    expect(sniffHeader(u?.head).format).toBe("arm64-image");
    expect(u?.head).toEqual(img.subarray(0, 65536));
  });
  it("a gzip uImage's payload, ignoring bytes after the deflate stream as QEMU does", () => {
    const payload = gz(img);
    const withTail = new Uint8Array(payload.length + 100);
    withTail.set(payload);
    expect(unpackedContent(unpackBytes(gzUImage(withTail)))?.size).toBe(BigInt(img.length));
  });
  it("an EFI zboot image's payload", () => {
    const z = efiZboot(gz(img));
    expect(unpackPlan(sniffHeader(z), BigInt(z.length))).toMatchObject({
      kind: "efi-zboot",
      offset: 0x1000n,
    });
    expect(unpackedContent(unpackBytes(z))?.size).toBe(BigInt(img.length));
  });
  it("gzip header fields QEMU skips by hand: name, comment, extra field, header CRC", () => {
    const plain = gz(img);
    // FNAME | FCOMMENT | FEXTRA | FHCRC, built by hand after the 10-byte fixed header.
    const extra = [4, 0, 1, 2, 3, 4];
    const name = [...new TextEncoder().encode("Image"), 0];
    const comment = [...new TextEncoder().encode("built"), 0];
    const head = [...plain.subarray(0, 10)];
    head[3] = 0x1e;
    const b = new Uint8Array([...head, ...extra, ...name, ...comment, 0xaa, 0xbb, ...plain.subarray(10)]);
    expect(unpackedContent(unpackBytes(b))?.size).toBe(BigInt(img.length));
  });
  it("fed in any chunking, the result is the same", async () => {
    const small = arm64Image(20_000, 0x80000n, 0x100000n);
    const file = gzUImage(gz(small));
    async function* chunks(n: number) {
      for (let i = 0; i < file.length; i += n) yield file.subarray(i, i + n);
    }
    for (const n of [7, 64, 65, 4096, file.length]) {
      const u = await unpackStream(file.subarray(0, 4096), BigInt(file.length), chunks(n));
      expect(unpackedContent(u)?.size, `chunks of ${n}`).toBe(BigInt(small.length));
    }
  }, 30_000);
  it("over the cap: too-large; exactly the cap fits (QEMU's 64 MiB itself: kernel-formats-qemu)", () => {
    const run = (bytes: Uint8Array, cap: bigint) => {
      const u = new Unpacker({ kind: "gzip", offset: 0n, length: BigInt(bytes.length), cap });
      u.push(bytes);
      return u.finish();
    };
    const zeros = gz(new Uint8Array(1 << 20));
    expect(unpackedContent(run(zeros, 1n << 20n))?.size).toBe(1n << 20n);
    expect(run(zeros, (1n << 20n) - 1n)).toMatchObject({ failure: "too-large" });
    expect(MAX_GUNZIP_UIMAGE).toBe(64n << 20n);
  });
  it("not gzip, cut short, or corrupt: corrupt", () => {
    expect(unpackBytes(gzUImage(rawBlob(5000)))).toMatchObject({ failure: "corrupt" });
    const g = gz(img);
    expect(unpackBytes(g.subarray(0, g.length >> 1))).toMatchObject({ failure: "corrupt" });
    expect(unpackBytes(g.subarray(0, 5))).toMatchObject({ failure: "corrupt" });
    const bad = g.slice();
    bad.fill(0xff, 30, 60);
    expect(unpackBytes(bad)).toMatchObject({ failure: "corrupt" });
  });
  it("nothing to unpack: a raw Image, a zstd zboot, a uImage cut short", () => {
    expect(unpackBytes(img)).toBeUndefined();
    expect(unpackBytes(efiZboot(gz(img), { compression: "zstd" }))).toBeUndefined();
    expect(unpackBytes(gzUImage(gz(img)).subarray(0, 1000))).toBeUndefined();
  });
});
