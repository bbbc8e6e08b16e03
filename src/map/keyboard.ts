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

export function onBlobKeyDown(e: KeyboardEvent<HTMLElement>, id: string): void {
  const s = useGuestmap.getState();
  if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
    e.preventDefault();
    const move = blobMoveRule(s.layout, id);
    if (!move) return;
    const steps = (e.key === "ArrowRight" ? 1 : -1) * (e.shiftKey ? 16 : 1);
    s.dispatch({
      type: "moveBlob",
      id,
      addr: stepAligned(move.addr, move.rule.align, move.rule.offset, steps),
    });
  } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
    e.preventDefault();
    const ids = blobOrder();
    const i = ids.indexOf(id);
    const next = ids[(i + (e.key === "ArrowDown" ? 1 : -1) + ids.length) % ids.length];
    if (next) {
      s.selected(next);
      focusBlob(next);
    }
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
