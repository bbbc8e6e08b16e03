import { describe, expect, it } from "vitest";
import { collapsedScale, fromScreen, linearScale, toScreen } from "../map/scale";
import { type DragStart, dragTo } from "./drag-math";

const MiB = 1n << 20n;
const lin = linearScale(0x40000000n, 0xc0000000n, 1024); // 2 MiB per px
const view = { zoom: 1, pan: 0 };
const map = { toAddr: (x: number) => fromScreen(lin, view, x), toX: (a: bigint) => toScreen(lin, view, a) };
const start: DragStart = {
  id: "m1",
  addr: 0x42000000n,
  size: 24n * MiB,
  align: 0x200000n,
  offset: 0n,
  grabPx: 5,
  widthPx: 12,
  edges: [0x40000000n, 0x48000000n, 0x48100000n, 0xc0000000n],
};

describe("dragTo", () => {
  it("puts the block's left edge under the pointer minus the grab: the address the axis shows there", () => {
    // Pointer at 205 px: left edge at 200 px = 0x40000000 + 400 MiB.
    const t = dragTo(start, 205, map, true);
    expect(t.addr).toBe(0x40000000n + 400n * MiB);
    expect(t.pointer).toBe(0x40000000n + 410n * MiB);
  });
  it("snaps to the alignment, or with Alt (free) not at all", () => {
    const zoomed = { zoom: 64, pan: 0 }; // 32 KiB per px
    const m = {
      toAddr: (x: number) => fromScreen(lin, zoomed, x),
      toX: (a: bigint) => toScreen(lin, zoomed, a),
    };
    expect(dragTo(start, 5 + 100, m, true).addr).toBe(0x40000000n + 100n * 0x8000n);
    expect(dragTo(start, 5 + 100, m, false).addr).toBe(0x40400000n);
  });
  it("snaps its start to a neighbour's end, and its end to a neighbour's start, within a few px", () => {
    const dtbEndX = map.toX(0x48100000n);
    // Just after QEMU's DTB, at the blob's 2 MiB alignment; a 4 KiB-aligned blob right at its end.
    expect(dragTo(start, dtbEndX + 5 + 3, map, false)).toMatchObject({
      addr: 0x48200000n,
      edge: 0x48100000n,
    });
    expect(dragTo({ ...start, align: 0x1000n }, dtbEndX + 5 + 3, map, false).addr).toBe(0x48100000n);
    const dtbStartX = map.toX(0x48000000n);
    expect(dragTo(start, dtbStartX - 12 + 5 - 2, map, false)).toMatchObject({
      addr: 0x48000000n - 24n * MiB,
      edge: 0x48000000n,
    });
    // Alt: no snapping.
    expect(dragTo(start, dtbEndX + 5 + 3, map, true).edge).toBeUndefined();
  });
  it("follows the pointer in the collapsed scale too: the address is the axis's under the left edge", () => {
    const s = collapsedScale(
      0x40000000n,
      0xc0000000n,
      [{ start: 0x42000000n, end: 0x42000000n + 30n * MiB }],
      1000,
    );
    const m = { toAddr: (x: number) => fromScreen(s, view, x), toX: (a: bigint) => toScreen(s, view, a) };
    for (const x of [50, 300, 700, 950])
      expect(dragTo(start, x + 5, m, true).addr).toBe(fromScreen(s, view, x));
  });
  it("never goes below zero", () => {
    const m = { toAddr: () => 0n, toX: () => 0 };
    expect(dragTo({ ...start, edges: [] }, 0, m, false).addr).toBe(0n);
  });
});
