/** Keyboard on a focused blob: ←/→ move by its alignment (Shift ×16), ↑/↓ select, Delete removes. */
import type { KeyboardEvent } from "react";
import { blobMoveRule } from "../model/blob-rules";
import { useGuestmap } from "../store/store";
import { stepAligned } from "./scale";

/** Focuses a blob's block without scrolling: the map pans to a selected blob itself (MemoryMap). */
function focusBlob(id: string) {
  requestAnimationFrame(() =>
    document.querySelector<HTMLElement>(`[data-blob-id="${id}"]`)?.focus({ preventScroll: true }),
  );
}

/** Blob ids in address order, as the map shows them. */
function blobOrder(): string[] {
  const { layout } = useGuestmap.getState();
  return [...layout.modules, ...layout.loaders]
    .slice()
    .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0))
    .map((m) => m.id);
}

/** While a key repeats, the moves shown are committed this long after the first repeat, not per key. */
const REPEAT_SETTLE_MS = 120;

let flushOnPointer = false;

export function onBlobKeyDown(e: KeyboardEvent<HTMLElement>, id: string): void {
  const s = useGuestmap.getState();
  if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
    e.preventDefault();
    const move = blobMoveRule(s.layout, id);
    if (!move) return;
    const steps = (e.key === "ArrowRight" ? 1 : -1) * (e.shiftKey ? 16 : 1);
    // From where the map shows it: a move shown but not committed yet counts.
    const from = s.drag?.key && s.drag.id === id ? s.drag.addr : move.addr;
    if (!flushOnPointer) {
      // A click anywhere (an export, a panel) sees the moves the map shows.
      flushOnPointer = true;
      document.addEventListener("pointerdown", () => useGuestmap.getState().keyMovesCommitted(), true);
    }
    s.keyMoved(
      id,
      stepAligned(from, move.rule.align, move.rule.offset, steps),
      e.repeat ? REPEAT_SETTLE_MS : 0,
    );
  } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
    e.preventDefault();
    const ids = blobOrder();
    const i = ids.indexOf(id);
    const next = ids[(i + (e.key === "ArrowDown" ? 1 : -1) + ids.length) % ids.length];
    if (next) {
      s.selected(next);
      focusBlob(next);
    }
  } else if (e.key === "Enter") {
    // The Inspector is far away in Tab order: Enter goes straight to its first field.
    e.preventDefault();
    s.selected(id);
    requestAnimationFrame(() =>
      document
        .querySelector<HTMLElement>(
          '[aria-labelledby="inspector-title"] :is(input:not([type=file]), select, textarea)',
        )
        ?.focus(),
    );
  } else if (e.key === "Delete" || e.key === "Backspace") {
    e.preventDefault();
    removeAndFocusNext(id);
  }
}

/** Removes a blob and puts keyboard focus on its neighbour on the map (Delete, or the inspector's Remove). */
export function removeAndFocusNext(id: string): void {
  const ids = blobOrder();
  const i = ids.indexOf(id);
  const next = ids[i + 1] ?? ids[i - 1];
  useGuestmap.getState().dispatch({ type: "removeBlob", id });
  if (next) focusBlob(next);
}

export const selectRegion = (id: string) => useGuestmap.getState().selected(id);
