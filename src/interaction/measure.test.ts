import { describe, expect, it } from "vitest";
import { fromScreen, linearScale, toScreen } from "../map/scale";
import { measureEnd } from "./measure";

const s = linearScale(0x40000000n, 0xc0000000n, 1024); // 2 MiB per px
const view = { zoom: 1, pan: 0 };
const p = { toAddr: (x: number) => fromScreen(s, view, x), toX: (a: bigint) => toScreen(s, view, a) };

describe("measureEnd", () => {
  it("snaps to the nearest region edge within a few px, else takes the address under the pointer", () => {
    const edges = [0x42000000n, 0x47000000n, 0x48000000n, 0x48100000n];
    expect(measureEnd(p.toX(0x47000000n) + 3, p, edges, false)).toBe(0x47000000n);
    // Two edges half a px apart: the nearer wins.
    expect(measureEnd(p.toX(0x48100000n) + 0.1, p, edges, false)).toBe(0x48100000n);
    expect(measureEnd(500, p, edges, false)).toBe(fromScreen(s, view, 500));
  });
  it("with Alt (free) never snaps", () => {
    const x = toScreen(s, view, 0x47000000n) + 3;
    expect(measureEnd(x, p, [0x47000000n], true)).toBe(fromScreen(s, view, x));
  });
});
