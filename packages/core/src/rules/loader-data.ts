/**
 * `loader-data-lost`: a `-device loader,data=…` write that never reaches the guest. QEMU writes the
 * value at reset, before it copies its ROM blobs (measured with pmemsave on 7.2 and 10.0.2): a
 * value under any blob — `-kernel`, a guest-loader or loader blob, the DTB — is overwritten by
 * it, and a value in ARM virt's flash is taken as a flash command and stored nowhere.
 */
import type { Diagnostic } from "../diagnostics.js";
import { flashRange } from "../qemu/flash.js";
import { hex } from "../util/bigint.js";
import { describeRegion, type RuleContext } from "./context.js";
import { intersections } from "./intervals.js";

export function loaderDataRule({ layout, placement }: RuleContext): Diagnostic[] {
  const writes = placement.regions.filter((r) => r.role === "loader-data");
  if (writes.length === 0) return [];
  const out: Diagnostic[] = [];
  const blobs = placement.regions.filter((r) => r.role !== "loader-data" && r.mem !== "flash");
  const hits = intersections([
    ...writes.map((r) => ({ start: r.addr, end: r.addr + r.size, item: { data: true, r } })),
    ...blobs.map((r) => ({ start: r.addr, end: r.addr + r.size, item: { data: false, r } })),
  ]);
  for (const { a, b, start, end } of hits) {
    if (a.item.data === b.item.data) continue;
    const write = a.item.data ? a.item.r : b.item.r;
    const blob = a.item.data ? b.item.r : a.item.r;
    out.push({
      severity: "error",
      code: "loader-data-lost",
      qemu: "starts",
      message: `${describeRegion(write)} lies inside ${describeRegion(blob)} in [${hex(start)}, ${hex(end)}). QEMU writes the value at reset before it copies its ROM blobs, so ${blob.name} overwrites it and the guest never sees it. Write the value outside every loaded blob, or patch the blob's file instead.`,
      regions: [write.id, blob.id.split("#")[0]!],
      start,
      end,
    });
  }
  for (const w of layout.loaderData ?? []) {
    if (!w.bigEndian || w.len >= 8 || w.len < 1) continue;
    const bits = BigInt(8 * w.len);
    // QEMU converts the whole u64 to big-endian and writes its first data-len bytes — the value's
    // top bytes (measured on 7.2 and 10.0.2). A value that fits in data-len bytes is lost to that.
    if (w.data === 0n || w.data >> bits !== 0n) continue;
    const shifted = w.data << (64n - bits);
    out.push({
      severity: "warning",
      code: "loader-data-be",
      qemu: "starts",
      message: `-device loader data=${hex(w.data)},data-len=${w.len},data-be=on (${w.id}): QEMU makes the 64-bit value big-endian and writes its first ${w.len} bytes, which are its top bytes — here ${w.len} zero bytes, not ${hex(w.data)}. Write data=${hex(shifted)} to store ${hex(w.data)} big-endian in ${w.len} bytes.`,
      regions: [w.id],
      start: w.addr,
      end: w.addr + BigInt(w.len),
    });
  }
  const flash = flashRange(layout.machine.arch);
  for (const w of writes) {
    if (!flash || w.addr >= flash.end || w.addr + w.size <= flash.start) continue;
    out.push({
      severity: "error",
      code: "loader-data-lost",
      qemu: "starts",
      message: `${describeRegion(w)} writes into virt's flash (0x0–0x8000000): a flash device takes writes as commands, so the value is stored nowhere (the guest reads the flash's old contents). Load a file there with -device loader,file=…, or write the value into RAM.`,
      regions: [w.id],
      start: w.addr,
      end: w.addr + w.size,
    });
  }
  return out;
}
