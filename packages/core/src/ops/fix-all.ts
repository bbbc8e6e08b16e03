/**
 * Fix all: every quick fix applied as one operation (one undo step in the app, one `guestmap fix`
 * run), repeated until nothing fixable is left — moving one blob can change what QEMU places
 * (RISC-V's packed FDT grows with the /chosen it carries), so the check runs again each round.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { Layout } from "../model/types.js";
import type { PlacementOptions } from "../qemu/placement.js";
import { type CheckResult, check } from "../rules/check.js";
import { formatSize, hex } from "../util/bigint.js";
import { firstCollision, insertTaken, type Taken, takenByBlob, takenIn } from "./free-space.js";
import { type MovableBlob, movableBlobs, withAddresses } from "./movable.js";
import { type BlobMove, blobMove, type Unfixed } from "./moves.js";
import { fixTarget, needsLowMemory, searchStart, slotFor } from "./quick-fix.js";

export interface FixAllResult {
  /** The layout with every fix applied (the input when there was nothing to fix). */
  readonly layout: Layout;
  /** One entry per moved blob: first address → last, with the first reason. */
  readonly moves: readonly BlobMove[];
  /** Blobs a fix could not place (no room in RAM at their alignment), with what to do. */
  readonly unfixed: readonly Unfixed[];
  /**
   * The errors left: ones no move cures (a stanza QEMU rejects, a kernel too large) and those of
   * the `unfixed` blobs. Empty when fix all did its job.
   */
  readonly remaining: readonly Diagnostic[];
  /** The final check, so callers need not run it again. */
  readonly check: CheckResult;
}

/** At most this many rounds: each round fixes every target it sees, so two or three suffice. */
const MAX_ROUNDS = 6;

/** Why a diagnostic wants its blob moved, in a few words. */
function reasonOf(d: Diagnostic, b: MovableBlob, taken: readonly Taken[]): string {
  switch (d.code) {
    case "misaligned":
      return `not ${formatSize(b.align)}-aligned${b.offset ? ` + ${hex(b.offset)}` : ""}`;
    case "outside-ram":
      return "outside RAM";
    case "in-flash":
      return "in flash, not RAM";
    case "addr-zero":
      return "it had no address";
    case "duplicate-addr":
      return "another guest-loader blob is at the same address";
    default: {
      const hit = firstCollision(taken, b.addr, b.addr + b.footprint);
      return hit ? hit.what : "another region";
    }
  }
}

/**
 * Applies every quick fix of `check(layout)`: each blob named by a fixable diagnostic moves to
 * the nearest free aligned place (at or above it, else the lowest), clear of everything that is
 * not moving and of the blobs already moved this round. Errors and warnings; notes are left be.
 */
export function fixAll(layout: Layout, opts: PlacementOptions = {}): FixAllResult {
  let current = layout;
  let result = check(current, opts);
  const first = new Map<string, { from: bigint; name: string; reason: string }>();
  const unfixed = new Map<string, Unfixed>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { placement, diagnostics } = result;
    const blobs = new Map(movableBlobs(current).blobs.map((b) => [b.id, b]));
    const targets = new Map<string, { b: MovableBlob; d: Diagnostic }>();
    for (const d of diagnostics) {
      // Notes are not problems (a boot module's BSS, which Xen never clears in place): left alone.
      if (d.severity === "info") continue;
      const b = fixTarget(d, blobs);
      if (b && !targets.has(b.id) && !unfixed.has(b.id)) targets.set(b.id, { b, d });
    }
    if (targets.size === 0) break;
    const taken = takenIn(placement, new Set(targets.keys()));
    const low = needsLowMemory(current, placement);
    const moved = new Map<string, bigint>();
    // Lowest first, so each keeps its place in memory order where it can.
    const order = [...targets.values()].sort((x, y) =>
      x.b.addr < y.b.addr ? -1 : x.b.addr > y.b.addr ? 1 : 0,
    );
    for (const { b, d } of order) {
      const everythingElse = takenIn(placement, new Set([b.id]));
      const reason = reasonOf(d, b, everythingElse);
      const addr = slotFor(b, { taken }, placement, searchStart(d, b, placement), low);
      if (addr === undefined) {
        unfixed.set(b.id, {
          id: b.id,
          name: b.name,
          reason: `${reason}, and RAM has no free ${formatSize(b.align)}-aligned place for its ${formatSize(b.footprint)}${low ? " below 4 GiB" : ""}: give the machine more memory with -m, or remove blobs`,
        });
        continue;
      }
      moved.set(b.id, addr);
      insertTaken(taken, takenByBlob(b, addr));
      if (!first.has(b.id)) first.set(b.id, { from: b.addr, name: b.name, reason });
    }
    if (moved.size === 0) break;
    current = withAddresses(current, moved);
    result = check(current, opts);
  }
  const finalAddr = new Map(movableBlobs(current).blobs.map((b) => [b.id, b.addr]));
  const moves = [...first].map(([id, f]) =>
    blobMove(id, f.name, f.from, finalAddr.get(id) ?? f.from, f.reason),
  );
  const remaining = result.diagnostics.filter((d) => d.severity === "error");
  return { layout: current, moves, unfixed: [...unfixed.values()], remaining, check: result };
}
