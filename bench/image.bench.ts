/**
 * Image writer memory/throughput bench: a raw image spanning 4 GiB with two 512 MiB blobs (sparse
 * files read through the CLI's file-handle source) streamed into a counting sink. Prints peak RSS
 * and throughput; the point is that RSS stays near the 1 MiB chunk size, not the 4 GiB image.
 *
 *   node --conditions=source --import tsx bench/image.bench.ts [OUT_FILE]
 *
 * With OUT_FILE the image goes to disk through the atomic file sink instead (needs 4 GiB free).
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ByteSink, writeImage } from "@guestmap/core";
import { openFileSource } from "../packages/cli/src/node-io.js";
import { openOutput, planOutputs } from "../packages/cli/src/output-file.js";

const MiB = 1n << 20n;
const dir = mkdtempSync(join(tmpdir(), "guestmap-bench-"));
try {
  const files = ["a.bin", "b.bin"].map((n) => {
    const p = join(dir, n);
    writeFileSync(p, "x");
    truncateSync(p, 512 * 1024 * 1024);
    return p;
  });
  const [a, b] = await Promise.all(files.map(openFileSource));
  const base = 0x40000000n;
  const regions = [
    { addr: base, size: a!.size, source: a! },
    { addr: base + 4096n * MiB - b!.size, size: b!.size, source: b! },
  ];
  let bytes = 0;
  let peak = process.memoryUsage().rss;
  const counting: ByteSink = {
    async write(c) {
      bytes += c.length;
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
    },
  };
  const out = process.argv[2];
  const fileSink = out
    ? await openOutput(
        planOutputs([{ option: "image", path: out }], files, process.cwd())[0]!,
        async () => {},
      )
    : undefined;
  const sink: ByteSink = fileSink
    ? {
        async write(c) {
          await counting.write(c);
          await fileSink.write(c);
        },
      }
    : counting;
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  await writeImage(regions, sink, { format: "raw", arch: "aarch64" });
  await fileSink?.commit();
  const s = (performance.now() - t0) / 1000;
  await Promise.all([a!.close(), b!.close()]);
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  console.log(`image bytes         ${bytes} (${mb(bytes)} MiB)`);
  console.log(`time                ${s.toFixed(2)} s`);
  console.log(`throughput          ${mb(bytes / s)} MiB/s`);
  console.log(`RSS before          ${mb(rss0)} MiB`);
  console.log(`peak RSS (sampled)  ${mb(peak)} MiB (+${mb(peak - rss0)} MiB)`);
  console.log(`maxRSS (getrusage)  ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
