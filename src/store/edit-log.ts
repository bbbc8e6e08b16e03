/**
 * The edits applied since the layout was last saved, in order. When another tab's layout arrives
 * while this tab has unsaved edits, persist.ts replays them on top of it, so neither tab's edits
 * are lost (two tabs moving different blobs at the same moment both keep their move).
 */
import type { Edit } from "../model/edits";

let log: Edit[] = [];

export const logEdit = (edit: Edit) => {
  log.push(edit);
};

/** The edits since the last save, and a fresh log. */
export function takeEdits(): Edit[] {
  const out = log;
  log = [];
  return out;
}

export const pendingEdits = (): readonly Edit[] => log;

/** Puts edits a failed save had taken back in front of the log. */
export function restoreEdits(edits: readonly Edit[]): void {
  log = [...edits, ...log];
}
