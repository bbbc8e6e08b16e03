import { check } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { newcCpio } from "../../packages/core/test/fixtures/kernels";
import { SAMPLES } from "../samples/samples";
import { applyEdit } from "./edits";
import { addFileEdits } from "./file-edits";

const big = SAMPLES.find((s) => s.id === "xen-aarch64-big-rootfs")!.layout;

describe("dropped files and quick fixes, as the app dispatches them", () => {
  it("the core's quick fix moves the big rootfs clear of everything", () => {
    const fix = check(big).diagnostics.find((d) => d.code === "overlap")?.fix;
    expect(fix).toMatchObject({ region: "m2", label: expect.stringMatching(/^Move rootfs\.cpio to 0x/) });
    expect(fix!.addr % 0x1000n).toBe(0n);
    const fixed = applyEdit(big, { type: "moveBlob", id: "m2", addr: fix!.addr });
    expect(check(fixed).diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });
  it("places a dropped file at the pointer, snapped, and the next ones in free slots", () => {
    const ref = { path: "r.cpio", size: 0x3000n, head: newcCpio(0x3000).subarray(0, 4096) };
    const r = addFileEdits(big, [ref, ref], 0x50000123n);
    const added = r.edits.flatMap((e) => (e.type === "addBlob" ? [e.module] : []));
    expect(added.map((m) => [m.id, m.addr])).toEqual([
      ["m3", 0x50000000n],
      ["m4", 0x50003000n],
    ]);
    expect(r.select).toBe("m4");
  });
  it("a file dropped on QEMU's DTB goes to the next free aligned place, never onto it", () => {
    const head = newcCpio(0x3000).subarray(0, 4096);
    const r = addFileEdits(big, [{ path: "r.cpio", size: 0x3000n, head }], 0x48000123n);
    const after = applyEdit(big, { type: "batch", edits: r.edits });
    const dtb = check(after).placement.regions.find((x) => x.role === "dtb")!;
    const m3 = after.modules.find((m) => m.id === "m3")!;
    expect(m3.addr >= dtb.addr + dtb.size || m3.addr + 0x3000n <= dtb.addr).toBe(true);
    expect(
      check(after).diagnostics.filter((d) => d.regions.includes("m3") && d.severity === "error"),
    ).toEqual([]);
  });
});
