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

/**
 * Relative widths: an occupied range's whole width grows with log2 of its length, gaps stay small
 * and nearly constant.
 */
export const COLLAPSE_WEIGHTS = {
  occupied: (len: bigint) => 6 + Math.log2(Number(len) + 1),
  gap: (len: bigint) => 4 + Math.log2(Number(len) + 1) * 0.25,
};

/** An occupied range; `weight` scales its share of the collapsed width (a kernel's BSS gets less than its file). */
export interface Occupied extends Range {
  readonly weight?: number;
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The collapsed scale. A range's width is its weight spread over its bytes, so a range cut into
 * pieces keeps the width of its length, not one per piece (a 24 MiB rootfs with QEMU's DTB inside
 * was drawn three times as wide as a 29.5 MiB Image). Where ranges overlap, the densest one draws
 * the piece (the DTB keeps a readable width inside the rootfs) and the range it lies in gives up
 * as much of its own width, down to a quarter. O(n log n) over the ranges.
 */
export function collapsedScale(
  start: bigint,
  end: bigint,
  occupied: readonly Occupied[],
  width: number,
): Scale {
  const e = end > start ? end : start + 1n;
  const ranges: { start: bigint; end: bigint; w: number; density: number; owned: bigint; claimed: number }[] =
    [];
  for (const r of occupied) {
    const a = r.start > start ? r.start : start;
    const b = r.end < e ? r.end : e;
    if (b <= a) continue;
    const w = COLLAPSE_WEIGHTS.occupied(r.end - r.start) * (r.weight ?? 1);
    ranges.push({ start: a, end: b, w, density: w / Number(r.end - r.start), owned: 0n, claimed: 0 });
  }
  const cuts = [start, e, ...ranges.flatMap((r) => [r.start, r.end])].sort(cmp);
  const byStart = [...ranges].sort((x, y) => cmp(x.start, y.start));
  // The ranges covering the current piece (overlaps are rare: this stays short).
  let active: typeof ranges = [];
  let next = 0;
  const raw: { start: bigint; end: bigint; owner: (typeof ranges)[number] | undefined; w: number }[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i]!;
    const b = cuts[i + 1]!;
    if (b === a) continue;
    while (next < byStart.length && byStart[next]!.start <= a) active.push(byStart[next++]!);
    if (active.some((r) => r.end <= a)) active = active.filter((r) => r.end > a);
    let owner: (typeof ranges)[number] | undefined;
    for (const r of active) if (!owner || r.density > owner.density) owner = r;
    if (owner) {
      owner.owned += b - a;
      for (const r of active) if (r !== owner) r.claimed += owner.density * Number(b - a);
    }
    raw.push({ start: a, end: b, owner, w: owner ? 0 : COLLAPSE_WEIGHTS.gap(b - a) });
  }
  for (const p of raw)
    if (p.owner) {
      const o = p.owner;
      p.w = (Math.max(o.w / 4, o.w - o.claimed) * Number(p.end - p.start)) / Number(o.owned);
    }
  const total = raw.reduce((n, p) => n + p.w, 0);
  let x = 0;
  const pieces = raw.map((p) => {
    const x0 = x;
    x += (p.w / total) * width;
    return { start: p.start, end: p.end, occupied: p.owner !== undefined, x0, x1: x };
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

/** The roundest address in [lo, hi]: the one with the most trailing zero bits. */
export function roundest(lo: bigint, hi: bigint): bigint {
  if (hi <= lo) return lo;
  for (let k = 63n; k > 0n; k--) {
    const step = 1n << k;
    const a = ((lo + step - 1n) / step) * step;
    if (a <= hi) return a;
  }
  return lo;
}

/**
 * Axis ticks at round addresses (0x40000000, 0x40400000 — never a region's odd end like
 * 0x40318a08), about `minPx` apart. Linear: every multiple of the smallest power of two that
 * spaces them `minPx` apart. Collapsed: in each `minPx` slot of the screen, the roundest address
 * it shows, since the bytes per pixel change from piece to piece.
 */
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
  for (let x0 = 0; x0 < w; x0 += minPx) {
    const a = roundest(fromScreen(scale, view, x0), fromScreen(scale, view, Math.min(w, x0 + minPx) - 1));
    const x = toScreen(scale, view, a);
    if (x < -0.5 || x > w + 0.5) continue;
    // Two slots can find the same address, or two a few px apart: keep the rounder one.
    const prev = out[out.length - 1];
    if (prev && x - lastX < minPx / 2) {
      if (prev.addr === a || trailingZeros(prev.addr) >= trailingZeros(a)) continue;
      out.pop();
    }
    out.push({ addr: a, x });
    lastX = x;
  }
  return out;
}

function trailingZeros(a: bigint): number {
  if (a === 0n) return 64;
  let n = 0;
  while ((a & 1n) === 0n) {
    a >>= 1n;
    n++;
  }
  return n;
}

/** Bytes per screen pixel at screen x (the collapsed scale's density changes along the map). */
export function bytesPerPx(scale: Scale, view: View, screenX: number): number {
  const a = fromScreen(scale, view, screenX - 0.5);
  const b = fromScreen(scale, view, screenX + 0.5);
  if (b > a) return Number(b - a);
  // Past the domain's end, or deep inside a byte: from the piece's slope.
  const p = scale.pieces.find((q) => q.start <= a && a < q.end) ?? scale.pieces[scale.pieces.length - 1]!;
  return Number(p.end - p.start) / Math.max(1e-9, (p.x1 - p.x0) * view.zoom);
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
