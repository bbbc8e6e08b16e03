/**
 * The layout as a drag would leave it, one object per position: the map's live layer, the panels
 * and the release all get the same object, so its check runs once (derived.ts keeps it with it).
 */
import type { Layout } from "@guestmap/core";
import { applyEdit } from "../model/edits";
import type { DragPreview } from "./drag-slice";

/** The last effective layout, so every caller during one drag frame gets the same object. */
let last: { layout: Layout; id: string; addr: bigint; effective: Layout } | undefined;

/**
 * The layout as it would be if the drag in progress were released now. Pointer moves that leave
 * the blob at the same (snapped) address give the same object, so nothing downstream recomputes.
 */
export function effectiveLayout(layout: Layout, drag: DragPreview | undefined): Layout {
  if (!drag) return layout;
  if (last && last.layout === layout && last.id === drag.id && last.addr === drag.addr) return last.effective;
  const effective = applyEdit(layout, { type: "moveBlob", id: drag.id, addr: drag.addr });
  last = { layout, id: drag.id, addr: drag.addr, effective };
  return effective;
}
