import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { contentHash } from "./content-hash";

const sha256sum = (bytes: Uint8Array) => execFileSync("sha256sum", { input: bytes }).toString().split(" ")[0];

describe("content hash", () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
  it("is the SHA-256 sha256sum prints, in one piece and chunk by chunk (@noble/hashes in Node)", async () => {
    expect(await contentHash(new Blob([bytes]))).toBe(sha256sum(bytes));
    expect(await contentHash(new Blob([bytes]), 64)).toBe(sha256sum(bytes));
  });
  it("tells apart two files of the same size that differ in the last byte", async () => {
    const other = bytes.slice();
    other[999]! ^= 1;
    expect(await contentHash(new Blob([other]), 64)).not.toBe(await contentHash(new Blob([bytes]), 64));
  });
});
