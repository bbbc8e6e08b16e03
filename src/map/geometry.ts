/** Vertical layout of the map's lanes, in px. */
export const LANES = {
  axis: { top: 0, height: 22 },
  ram: { top: 28, height: 16 },
  qemu: { top: 54, height: 44 },
  user: { top: 116, height: 60 },
  hits: { top: 186, height: 18 },
} as const;
export const MAP_HEIGHT = 224;
