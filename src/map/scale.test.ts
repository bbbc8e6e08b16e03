import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clampView,
  collapsedScale,
  fromScreen,
  linearScale,
  MAX_PX_PER_BYTE,
  maxZoom,
  screenSpan,
  stepAligned,
  ticks,
  viewFor,
  zoomAt,
} from "./scale";

const MiB = 1n << 20n;
const base = 0x40000000n;

describe("linearScale", () => {
  it("maps the domain onto the width and back", () => {
    const s = linearScale(base, base + 2048n * MiB, 1024);
    expect(s.x(base)).toBe(0);
    expect(s.x(base + 1024n * MiB)).toBe(512);
    expect(s.addr(512)).toBe(base + 1024n * MiB);
    expect(s.addr(-5)).toBe(base);
  });
});

describe("collapsedScale", () => {
  const occupied = [
    { start: base, end: base + 0x28n },
    { start: base + 0x200000n, end: base + 0x200000n + 30n * MiB },
  ];
  const s = collapsedScale(base, base + 2048n * MiB, occupied, 1000);
  it("shows a 40-byte stub and a 30 MiB kernel both at a usable width", () => {
    const stub = s.x(base + 0x28n) - s.x(base);
    const kernel = s.x(occupied[1]!.end) - s.x(occupied[1]!.start);
    expect(stub).toBeGreaterThan(50);
    expect(kernel).toBeGreaterThan(stub);
    expect(kernel / stub).toBeLessThan(5);
  });
  it("is monotonic and inverts within a byte inside small pieces", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: base, max: base + 2048n * MiB }), (a) => {
        const x = s.x(a);
        return x >= 0 && x <= 1000 && s.x(a + 1n) >= x;
      }),
    );
    expect(s.addr(s.x(base + 0x10n))).toBe(base + 0x10n);
  });
});

describe("views", () => {
  it("zooming about a point keeps that point still", () => {
    const s = linearScale(0n, 1000n, 1000);
    const v = zoomAt({ zoom: 1, pan: 0 }, 4, 250, 1000);
    expect(v.zoom).toBe(4);
    expect(s.x(250n) * v.zoom - v.pan).toBeCloseTo(250);
  });
  it("clamps zoom and pan", () => {
    expect(clampView({ zoom: 0.5, pan: -3 }, 100)).toEqual({ zoom: 1, pan: 0 });
    expect(clampView({ zoom: 2, pan: 500 }, 100)).toEqual({ zoom: 2, pan: 100 });
  });
  it("viewFor frames a range", () => {
    const s = linearScale(0n, 1000n, 1000);
    const v = viewFor(s, { start: 400n, end: 500n }, 0.1);
    expect(s.x(400n) * v.zoom - v.pan).toBeCloseTo(100);
    expect(s.x(500n) * v.zoom - v.pan).toBeCloseTo(900);
  });
  it("linear ticks are powers of two at least minPx apart", () => {
    const t = ticks(linearScale(base, base + 2048n * MiB, 1000), { zoom: 1, pan: 0 }, 80);
    expect(t[0]!.addr).toBe(base);
    expect(t[1]!.addr - t[0]!.addr).toBe(256n * MiB);
  });
});

describe("alignment", () => {
  it("steps by the alignment, snapping a misaligned start first", () => {
    expect(stepAligned(0x42000000n, 2n * MiB, 0n, 1)).toBe(0x42200000n);
    expect(stepAligned(0x42000000n, 2n * MiB, 0n, -16)).toBe(0x40000000n);
    expect(stepAligned(0x42000010n, 0x1000n, 0n, 1)).toBe(0x42001000n);
    expect(stepAligned(0x42000010n, 0x1000n, 0n, -1)).toBe(0x42000000n);
  });
});

describe("deep zoom", () => {
  it("stops where a byte is MAX_PX_PER_BYTE px wide, so the viewport always holds a few bytes", () => {
    const s = linearScale(0x40000000n, 0xc0000000n, 1000);
    const max = maxZoom(s);
    expect(max).toBeCloseTo((MAX_PX_PER_BYTE * 2 ** 31) / 1000);
    let v = { zoom: 1, pan: 0 };
    for (let i = 0; i < 100; i++) v = zoomAt(v, 4, 500, 1000, max);
    expect(v.zoom).toBe(max);
    expect(ticks(s, v, 96).length).toBeGreaterThan(0);
  });
  it("clips a block to just outside the viewport, however far its edges are", () => {
    const s = linearScale(0n, 1n << 31n, 1000);
    const v = { zoom: 1e7, pan: 5e9 };
    const span = screenSpan(s, v, 0n, 1n << 31n);
    expect(span).toEqual({ left: -8, width: 1016 });
    expect(screenSpan(s, { zoom: 1, pan: 0 }, 0n, 1n << 30n)).toEqual({ left: 0, width: 500 });
  });
});

describe("collapsed widths", () => {
  // The sample the issue measured: a 29.5 MiB Image, and a 24 MiB rootfs with QEMU's 1 MiB DTB inside.
  const image = { start: 0x42000000n, end: 0x42000000n + 0x1d80000n };
  const rootfs = { start: 0x47000000n, end: 0x47000000n + 24n * MiB };
  const dtb = { start: 0x48000000n, end: 0x48100000n };
  const s = collapsedScale(base, base + 2048n * MiB, [image, rootfs, dtb], 1000);
  const w = (r: { start: bigint; end: bigint }) => s.x(r.end) - s.x(r.start);
  it("grow with the size, however an overlap cuts a range into pieces", () => {
    // The rootfs was three times as wide as the larger Image: one width per piece.
    expect(w(rootfs)).toBeLessThan(w(image) * 1.1);
    expect(w(rootfs)).toBeGreaterThan(w(image) * 0.8);
    expect(w(dtb)).toBeLessThan(w(image));
  });
});

describe("round ticks", () => {
  // A region ending at an odd address: its end was a tick (0x40318a08).
  const odd = [
    { start: base, end: base + 0x28n },
    { start: 0x40200000n, end: 0x40318a08n },
    { start: 0x47000000n, end: 0x48036640n },
  ];
  const s = collapsedScale(base, base + 2048n * MiB, odd, 1000);
  it("collapsed ticks are the roundest addresses in reach, never a region's odd end", () => {
    for (const zoom of [1, 4, 64, 4096]) {
      const view = { zoom, pan: s.x(0x40300000n) * zoom - 500 };
      const t = ticks(s, clampView(view, 1000), 96);
      expect(t.length).toBeGreaterThan(2);
      for (const { addr, x } of t) {
        // Rounder than anything else within the tick's own slot of the screen.
        const lo = fromScreen(s, clampView(view, 1000), x - 40);
        const hi = fromScreen(s, clampView(view, 1000), x + 40);
        const span = hi - lo;
        let step = 1n;
        while (step * 2n <= span / 4n) step *= 2n;
        expect(addr % step, `0x${addr.toString(16)} at zoom ${zoom}`).toBe(0n);
        expect([0x40318a08n, 0x48036640n]).not.toContain(addr);
      }
      for (let i = 1; i < t.length; i++) expect(t[i]!.x - t[i - 1]!.x).toBeGreaterThanOrEqual(48);
    }
  });
});
