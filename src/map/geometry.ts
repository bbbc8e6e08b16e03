/** Vertical layout of the map's lanes, in px. */
export const LANES = {
  axis: { top: 0, height: 22 },
  ram: { top: 26, height: 14 },
  qemu: { top: 48, height: 40 },
  user: { top: 96, height: 52 },
  hits: { top: 154, height: 18 },
} as const;
export const MAP_HEIGHT = 176;
