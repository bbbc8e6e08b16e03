/** Vertical layout of the map's lanes, in px: fixed at the smallest map, growing with a taller pane. */
export interface Lane {
  readonly top: number;
  readonly height: number;
}

export interface Lanes {
  readonly axis: Lane;
  readonly ram: Lane;
  readonly qemu: Lane;
  readonly user: Lane;
  /** Collision labels, under the lanes. */
  readonly hits: Lane;
  /** Everything the lanes take, labels included. */
  readonly height: number;
}

/** The map's height at its smallest (1366×768 and below): the lanes as they were always drawn. */
export const MAP_HEIGHT = 224;

/**
 * Growth past MAP_HEIGHT: the QEMU lane by at most 28 px, the guest-loader lane (where blobs that
 * overlap stack in rows, so height is what they lack) by the rest, up to 100 px. Past that, taller
 * blocks only make the map harder to scan, and the space below stays map (drop, pan).
 */
const MAX_QEMU_GROWTH = 28;
const MAX_USER_GROWTH = 100;

/** The lanes for a map `height` px tall: those at MAP_HEIGHT when it is that or less. */
export function mapLanes(height: number): Lanes {
  const extra = Math.max(0, Math.min(MAX_QEMU_GROWTH + MAX_USER_GROWTH, Math.floor(height) - MAP_HEIGHT));
  const q = Math.min(MAX_QEMU_GROWTH, Math.round(extra * 0.22));
  const u = extra - q;
  return {
    axis: { top: 0, height: 22 },
    ram: { top: 28, height: 16 },
    qemu: { top: 54, height: 44 + q },
    user: { top: 116 + q, height: 60 + u },
    hits: { top: 186 + extra, height: 18 },
    height: MAP_HEIGHT + extra,
  };
}

/** The lanes at the smallest map. */
export const LANES: Lanes = mapLanes(MAP_HEIGHT);
