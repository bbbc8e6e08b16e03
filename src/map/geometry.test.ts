import { describe, expect, it } from "vitest";
import { LANES, MAP_HEIGHT, mapLanes } from "./geometry";

describe("mapLanes", () => {
  it("at the smallest map (1366×768 and below) the lanes are as they always were", () => {
    for (const h of [0, 100, MAP_HEIGHT]) expect(mapLanes(h)).toEqual(LANES);
    expect(LANES).toEqual({
      axis: { top: 0, height: 22 },
      ram: { top: 28, height: 16 },
      qemu: { top: 54, height: 44 },
      user: { top: 116, height: 60 },
      hits: { top: 186, height: 18 },
      height: MAP_HEIGHT,
    });
  });

  it("a taller pane grows the QEMU and guest-loader lanes, in order, without overlap, up to a limit", () => {
    let prev = LANES;
    for (let h = MAP_HEIGHT; h <= 2000; h += 7) {
      const l = mapLanes(h);
      const order = [l.axis, l.ram, l.qemu, l.user, l.hits];
      for (let i = 1; i < order.length; i++)
        expect(order[i]!.top).toBeGreaterThanOrEqual(order[i - 1]!.top + order[i - 1]!.height);
      expect(l.height).toBeLessThanOrEqual(Math.max(MAP_HEIGHT, h));
      expect(l.user.height).toBeGreaterThanOrEqual(prev.user.height);
      expect(l.qemu.height).toBeGreaterThanOrEqual(prev.qemu.height);
      prev = l;
    }
    // 1920×1080 (the map is about 366 px tall): most of the pane; the limits hold beyond.
    expect(mapLanes(366).user.height).toBeGreaterThan(140);
    expect(mapLanes(2000)).toEqual(mapLanes(4000));
    expect(mapLanes(2000).qemu.height).toBe(72);
    expect(mapLanes(2000).user.height).toBe(160);
  });
});
