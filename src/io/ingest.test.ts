import { describe, expect, it } from "vitest";
import type { StoredFile } from "./file-store";
import {
  BYTES_IN_FLIGHT,
  cancelIngest,
  IngestCancelled,
  READS_IN_FLIGHT,
  storeFiles,
  useIngest,
} from "./ingest";

/** Stand-ins for dropped files: only the name and size are read by the pool. */
const files = (n: number, size = 1000) =>
  Array.from({ length: n }, (_, i) => ({ name: `f${i}.img`, size }) as File);

/** A reader that finishes each file after a few ticks, recording how many were in flight. */
function fakeReader() {
  const seen = { inFlight: 0, most: 0, bytes: 0, mostBytes: 0, started: [] as string[] };
  const read = async (f: File): Promise<StoredFile> => {
    seen.started.push(f.name);
    seen.inFlight++;
    seen.bytes += f.size;
    seen.most = Math.max(seen.most, seen.inFlight);
    seen.mostBytes = Math.max(seen.mostBytes, seen.bytes);
    for (let i = 0; i < 1 + (f.name.length % 3); i++) await new Promise((r) => setTimeout(r, 0));
    seen.inFlight--;
    seen.bytes -= f.size;
    return { ref: { path: f.name, size: BigInt(f.size), sha256: f.name.padEnd(64, "0") } };
  };
  return { seen, read };
}

describe("storeFiles: reading many files in a bounded pool", () => {
  it("reads every file once, keeps their order, and never has more than READS_IN_FLIGHT open", async () => {
    const { seen, read } = fakeReader();
    const progress: number[] = [];
    const unsub = useIngest.subscribe((s) => s.progress && progress.push(s.progress.done));
    const out = await storeFiles(files(2000), read);
    unsub();
    expect(out.map((s) => s.ref.path)).toEqual(files(2000).map((f) => f.name));
    expect(new Set(seen.started).size).toBe(2000);
    expect(seen.most).toBe(READS_IN_FLIGHT);
    expect(progress.at(-1)).toBe(2000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(useIngest.getState().progress).toBeUndefined();
  });

  it("keeps the bytes read whole under BYTES_IN_FLIGHT (a file past HASH_CHUNK counts one chunk)", async () => {
    const { seen, read } = fakeReader();
    await storeFiles(files(12, 100 * 2 ** 20), read);
    expect(seen.mostBytes).toBeLessThanOrEqual(BYTES_IN_FLIGHT);
    expect(seen.most).toBe(2);
    // 8 GiB files are hashed 128 MiB at a time in the worker: two fit the budget.
    const big = fakeReader();
    await storeFiles(files(3, 8 * 2 ** 30), big.read);
    expect(big.seen.most).toBe(2);
  });

  it("Cancel rejects at once with IngestCancelled and starts no further read", async () => {
    const { seen, read } = fakeReader();
    const run = storeFiles(files(500), read);
    await new Promise((r) => setTimeout(r, 5));
    cancelIngest();
    const started = seen.started.length;
    await expect(run).rejects.toBeInstanceOf(IngestCancelled);
    await expect(run).rejects.toThrow(/^Stopped after reading \d+ of 500 file\(s\): nothing was added/);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.started.length).toBe(started);
    expect(started).toBeLessThan(500);
  });

  it("an unreadable file fails the whole read with its name and the browser's reason", async () => {
    const { seen, read } = fakeReader();
    const failing = (f: File) =>
      f.name === "f7.img"
        ? Promise.reject(new DOMException("The file could not be read", "NotReadableError"))
        : read(f);
    await expect(storeFiles(files(100), failing)).rejects.toThrow("f7.img: The file could not be read");
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.started.length).toBeLessThan(100);
  });
});
