/**
 * Address ↔ pixel scales for the memory map. Pure; addresses stay bigint, pixels are numbers.
 *
 * - `linearScale`: bytes are proportional to pixels.
 * - `collapsedScale`: piecewise linear over the breakpoints of the occupied ranges. Occupied
 *   pieces get a width that grows with log2(length), empty pieces a small one, so a 40-byte boot
 *   stub and a 30 MiB kernel are both visible on a 2 GiB map, and gaps read as gaps.
 *
 * A `View` (zoom, pan) is applied on top: screen x = scale.x(addr) · zoom − pan.
 */

export interface Range {
  readonly start: bigint;
  readonly end: bigint;
}

export interface Piece extends Range {
  readonly x0: number;
  readonly x1: number;
  readonly occupied: boolean;
}

export interface Scale {
  readonly kind: "linear" | "collapsed";
  readonly start: bigint;
  readonly end: bigint;
  /** Width of the whole domain in px at zoom 1. */
  readonly width: number;
  x(addr: bigint): number;
  /** The address at `x` (clamped to the domain). */
  addr(x: number): bigint;
  /** Pieces of the collapsed scale (one piece for a linear one). */
  readonly pieces: readonly Piece[];
}

function lerpAddr(p: Range, t: number): bigint {
  const span = p.end - p.start;
  if (span <= 0n) return p.start;
  const off = BigInt(Math.round(Math.min(1, Math.max(0, t)) * Number(span)));
  return p.start + (off > span ? span : off);
}

function lerpX(p: Piece, addr: bigint): number {
  const span = p.end - p.start;
  if (span <= 0n) return p.x0;
  return p.x0 + (Number(addr - p.start) / Number(span)) * (p.x1 - p.x0);
}

function fromPieces(kind: Scale["kind"], pieces: Piece[], width: number): Scale {
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  return {
    kind,
    start: first.start,
    end: last.end,
    width,
    pieces,
    x(addr) {
      if (addr <= first.start) return first.x0;
      if (addr >= last.end) return last.x1;
      let lo = 0;
      let hi = pieces.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (pieces[mid]!.end <= addr) lo = mid + 1;
        else hi = mid;
      }
      return lerpX(pieces[lo]!, addr);
    },
    addr(x) {
      if (x <= first.x0) return first.start;
      if (x >= last.x1) return last.end;
      let lo = 0;
      let hi = pieces.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (pieces[mid]!.x1 <= x) lo = mid + 1;
        else hi = mid;
      }
      const p = pieces[lo]!;
      return lerpAddr(p, (x - p.x0) / (p.x1 - p.x0 || 1));
    },
  };
}

export function linearScale(start: bigint, end: bigint, width: number): Scale {
  const e = end > start ? end : start + 1n;
  return fromPieces("linear", [{ start, end: e, x0: 0, x1: width, occupied: true }], width);
}

/** Relative widths: occupied pieces by log2 of their length, gaps small and nearly constant. */
export const COLLAPSE_WEIGHTS = {
  occupied: (len: bigint) => 6 + Math.log2(Number(len) + 1),
  gap: (len: bigint) => 4 + Math.log2(Number(len) + 1) * 0.25,
};

/** An occupied range; `weight` scales its share of the collapsed width (a kernel's BSS gets less than its file). */
export interface Occupied extends Range {
  readonly weight?: number;
}

export function collapsedScale(
  start: bigint,
  end: bigint,
  occupied: readonly Occupied[],
  width: number,
): Scale {
  const e = end > start ? end : start + 1n;
  const cuts = new Set<bigint>([start, e]);
  for (const r of occupied) {
    if (r.end <= start || r.start >= e) continue;
    cuts.add(r.start > start ? r.start : start);
    cuts.add(r.end < e ? r.end : e);
  }
  const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const raw: { start: bigint; end: bigint; occupied: boolean; w: number }[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    let weight = 0;
    for (const r of occupied) if (r.start <= a && r.end >= b) weight = Math.max(weight, r.weight ?? 1);
    const occ = weight > 0;
    raw.push({
      start: a,
      end: b,
      occupied: occ,
      w: occ ? COLLAPSE_WEIGHTS.occupied(b - a) * weight : COLLAPSE_WEIGHTS.gap(b - a),
    });
  }
  const total = raw.reduce((n, p) => n + p.w, 0);
  let x = 0;
  const pieces = raw.map((p) => {
    const x0 = x;
    x += (p.w / total) * width;
    return { start: p.start, end: p.end, occupied: p.occupied, x0, x1: x };
  });
  pieces[pieces.length - 1] = { ...pieces[pieces.length - 1]!, x1: width };
  return fromPieces("collapsed", pieces, width);
}

export interface View {
  /** 1 shows the whole domain in the viewport. */
  readonly zoom: number;
  /** Screen offset in px of the content's left edge (content x − pan = screen x). */
  readonly pan: number;
}

export const FIT: View = { zoom: 1, pan: 0 };
export const MAX_ZOOM = 2 ** 40;

export function toScreen(scale: Scale, view: View, addr: bigint): number {
  return scale.x(addr) * view.zoom - view.pan;
}

/**
 * Screen left and width of [start, end), clipped to just outside the viewport: deep zooms put
 * edges millions of px away, past what CSS can lay out (the map went blank), and a block that
 * spans the viewport then keeps its label at the left edge.
 */
export function screenSpan(
  scale: Scale,
  view: View,
  start: bigint,
  end: bigint,
  minWidth = 2,
): { left: number; width: number } {
  const x0 = Math.max(-8, toScreen(scale, view, start));
  const x1 = Math.min(scale.width + 8, toScreen(scale, view, end));
  return { left: Math.min(x0, scale.width + 8), width: Math.max(minWidth, x1 - x0) };
}

export function fromScreen(scale: Scale, view: View, screenX: number): bigint {
  return scale.addr((screenX + view.pan) / view.zoom);
}

/** Pixels per byte at the deepest zoom: single bytes are wide enough to point at. */
export const MAX_PX_PER_BYTE = 16;

/**
 * The deepest useful zoom of a scale: where its most compressed piece shows a byte as
 * MAX_PX_PER_BYTE px. Deeper, the viewport would hold less than a byte (the axis had no tick left).
 */
export function maxZoom(scale: Scale): number {
  let z = 1;
  for (const p of scale.pieces) {
    const px = p.x1 - p.x0;
    if (px > 0) z = Math.max(z, (MAX_PX_PER_BYTE * Number(p.end - p.start)) / px);
  }
  return Math.min(MAX_ZOOM, z);
}

/** Keeps the content inside the viewport: 1 ≤ zoom ≤ `max`, pan within [0, width·(zoom−1)]. */
export function clampView(view: View, width: number, max = MAX_ZOOM): View {
  const zoom = Math.min(max, Math.max(1, view.zoom));
  const pan = Math.min(width * (zoom - 1), Math.max(0, view.pan));
  return { zoom, pan };
}

/** Zooms by `factor` keeping the content under `screenX` where it is. */
export function zoomAt(view: View, factor: number, screenX: number, width: number, max = MAX_ZOOM): View {
  const zoom = Math.min(max, Math.max(1, view.zoom * factor));
  const contentX = (screenX + view.pan) / view.zoom;
  return clampView({ zoom, pan: contentX * zoom - screenX }, width, max);
}

/** The view showing [start, end) with a margin of `margin` (fraction of the viewport) each side. */
export function viewFor(scale: Scale, range: Range, margin = 0.1): View {
  const x0 = scale.x(range.start);
  const x1 = Math.max(scale.x(range.end), x0 + 1e-9);
  const max = maxZoom(scale);
  const zoom = Math.min(max, Math.max(1, ((1 - 2 * margin) * scale.width) / (x1 - x0)));
  // Centre the range when the deepest zoom cannot frame it with that margin.
  const pan = zoom === max ? ((x0 + x1) / 2) * zoom - scale.width / 2 : x0 * zoom - margin * scale.width;
  return clampView({ zoom, pan }, scale.width, max);
}

/** Axis ticks: round power-of-two addresses (linear), piece edges (collapsed), at least `minPx` apart. */
export function ticks(scale: Scale, view: View, minPx: number): { addr: bigint; x: number }[] {
  const out: { addr: bigint; x: number }[] = [];
  const w = scale.width;
  const lo = fromScreen(scale, view, 0);
  const hi = fromScreen(scale, view, w);
  if (scale.kind === "linear") {
    const bytesPerPx = Number(scale.end - scale.start) / (w * view.zoom);
    let step = 1n;
    while (Number(step) / bytesPerPx < minPx && step < 1n << 62n) step <<= 1n;
    for (let a = ((lo + step - 1n) / step) * step; a <= hi; a += step)
      out.push({ addr: a, x: toScreen(scale, view, a) });
    return out;
  }
  let lastX = Number.NEGATIVE_INFINITY;
  for (const p of scale.pieces) {
    for (const a of p === scale.pieces[0] ? [p.start, p.end] : [p.end]) {
      const x = toScreen(scale, view, a);
      if (x < -1 || x > w + 1 || x - lastX < minPx) continue;
      out.push({ addr: a, x });
      lastX = x;
    }
  }
  return out;
}

/** The aligned address `steps` steps from `addr` (negative steps go down); a misaligned start snaps first. */
export function stepAligned(addr: bigint, align: bigint, offset: bigint, steps: number): bigint {
  const rel = addr - offset;
  const mod = ((rel % align) + align) % align;
  if (steps === 0) return addr;
  let base = rel - mod;
  if (steps > 0) return base + align * BigInt(steps) + offset;
  if (mod !== 0n) {
    base += align;
  }
  const r = base + align * BigInt(steps) + offset;
  return r < 0n ? offset : r;
}
