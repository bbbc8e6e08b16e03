import { check, importShellCommand } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { blobMoveRule } from "../model/blob-rules";
import { SAMPLES } from "../samples/samples";
import { mapModel, PLACEHOLDER_SPAN, stackRows } from "./map-model";
import { collapsedScale } from "./scale";

const pasted = importShellCommand(
  "qemu-system-aarch64 -M virt -m 2G -device guest-loader,addr=0x42000000,kernel=/srv/Image -device guest-loader,addr=0x47000000,initrd=/srv/rootfs.cpio -device loader,file=/srv/blob.bin,addr=0x50000000",
).layout;

describe("map model of a pasted command line whose files are missing", () => {
  const model = mapModel(check(pasted), pasted);
  it("draws every placeholder, generic loaders included", () => {
    expect(model.placeholders.map((p) => [p.id, p.addr])).toEqual([
      ["m1", 0x42000000n],
      ["m2", 0x47000000n],
      ["l1", 0x50000000n],
    ]);
  });
  it("gives each placeholder its own room on the collapsed scale (they piled up at the right edge)", () => {
    const s = collapsedScale(model.domain.start, model.domain.end, model.occupied, 1000);
    const xs = model.placeholders.map((p) => [s.x(p.addr), s.x(p.addr + PLACEHOLDER_SPAN)] as const);
    for (const [x0, x1] of xs) expect(x1 - x0).toBeGreaterThan(40);
    for (let i = 1; i < xs.length; i++) expect(xs[i]![0]).toBeGreaterThanOrEqual(xs[i - 1]![1]);
    expect(model.domain.end).toBeGreaterThanOrEqual(0x50000000n + PLACEHOLDER_SPAN);
  });
});

describe("keyboard moves", () => {
  it("a generic loader blob moves by 4 KiB pages; a module by its alignment", () => {
    expect(blobMoveRule(pasted, "l1")).toMatchObject({ addr: 0x50000000n, rule: { align: 0x1000n } });
    expect(blobMoveRule(pasted, "m1")?.rule.align).toBe(0x200000n);
    expect(blobMoveRule(pasted, "nope")).toBeUndefined();
  });
});

describe("collapsed scale of a kernel with BSS", () => {
  it("gives the file its own room, wider than its BSS tail, on the RISC-V sample (Xen was a 25 px sliver)", () => {
    const layout = SAMPLES.find((s) => s.id.includes("riscv"))!.layout;
    const result = check(layout);
    const model = mapModel(result, layout);
    const s = collapsedScale(model.domain.start, model.domain.end, model.occupied, 690);
    const xen = result.placement.regions.find((r) => r.role === "kernel")!;
    expect(xen.footprint).toBeGreaterThan(xen.size);
    const file = s.x(xen.addr + xen.size) - s.x(xen.addr);
    const bss = s.x(xen.addr + xen.footprint) - s.x(xen.addr + xen.size);
    expect(file).toBeGreaterThan(40);
    expect(bss).toBeGreaterThan(10);
    expect(bss).toBeLessThan(file);
  });
});

describe("stackRows", () => {
  const r = (id: string, addr: bigint, size: bigint, footprint = size) =>
    ({ id, addr, size, footprint, name: id, role: "module-initrd" }) as Parameters<
      typeof stackRows
    >[0][number];
  it("puts overlapping blobs side by side, each cluster with as many rows as blobs over one byte", () => {
    const rows = stackRows([
      r("a", 0x1000n, 0x3000n),
      r("b", 0x2000n, 0x1000n),
      r("c", 0x3800n, 0x1000n),
      r("d", 0x10000n, 0x1000n),
      // A kernel's BSS overlapping the next blob counts too.
      r("k", 0x20000n, 0x1000n, 0x3000n),
      r("e", 0x21000n, 0x1000n),
    ]);
    expect(rows.get("a")).toEqual({ row: 0, rows: 2 });
    expect(rows.get("b")).toEqual({ row: 1, rows: 2 });
    expect(rows.get("c")).toEqual({ row: 1, rows: 2 });
    expect(rows.get("d")).toEqual({ row: 0, rows: 1 });
    expect(rows.get("k")).toEqual({ row: 0, rows: 2 });
    expect(rows.get("e")).toEqual({ row: 1, rows: 2 });
  });
});
