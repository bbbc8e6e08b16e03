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
