/** What the moving operations report: each blob's move, explained. */
import { hex } from "../util/bigint.js";

/** One blob moved (or kept) by an operation, and why. */
export interface BlobMove {
  readonly id: string;
  /** The file name. */
  readonly name: string;
  readonly from: bigint;
  readonly to: bigint;
  /** Why it moved, e.g. "QEMU's DTB", "not 2 MiB-aligned", "packed after Image". */
  readonly reason: string;
  /** `rootfs.cpio moved 0x47000000 → 0x48200000: QEMU's DTB`. */
  readonly message: string;
}

/** A blob an operation could not place, and why (for the user: what to do about it). */
export interface Unfixed {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

export function blobMove(id: string, name: string, from: bigint, to: bigint, reason: string): BlobMove {
  const message =
    from === to
      ? `${name} stays at ${hex(to)}: ${reason}`
      : `${name} moved ${from === 0n ? "(no address)" : hex(from)} → ${hex(to)}: ${reason}`;
  return { id, name, from, to, reason, message };
}
