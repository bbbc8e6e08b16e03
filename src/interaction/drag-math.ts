/** Pure drag geometry over an immutable pointer-down state (unit-tested; no DOM). */
import { snapToAlignment } from "@guestmap/core";

export interface DragStart {
  readonly id: string;
  /** The blob's address at pointer-down. */
  readonly addr: bigint;
  /** The address under the pointer at pointer-down. */
  readonly pointer: bigint;
  readonly align: bigint;
  readonly offset: bigint;
}

/** Where the blob goes for the pointer now at `pointer`: moved by the same bytes, snapped unless `free`. */
export function dragTo(start: DragStart, pointer: bigint, free: boolean): bigint {
  const raw = start.addr + (pointer - start.pointer);
  const at = free ? raw : snapToAlignment(raw, start.align, start.offset);
  return at < 0n ? 0n : at;
}
