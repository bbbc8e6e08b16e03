/**
 * Which rows of a long table are in the DOM: those near the part its scroll box shows. Every frame
 * of the page painted all 500 rows of the region table (~4,000 cells), about 4 ms of each frame's
 * paint at 500 blobs, a key move's and a drag's frames included, with a dozen rows on screen. A
 * table row cannot skip painting with `content-visibility` (table parts ignore containment), so
 * rows far from view are left out, and two spacer rows keep the scroll height.
 */
import { type RefObject, useEffect, useState } from "react";

/** Up to this many rows all are drawn: short tables keep every row in the DOM (find in page). */
export const ALL_ROWS_UP_TO = 150;
/** Rows drawn beyond each edge of the visible part: a fast scroll or PageDown stays drawn. */
const MARGIN = 40;
/** A row's height before one is measured (11.5 px monospace, 2 px padding, a border). */
const ROW_PX = 21;

export interface RowWindow {
  /** The first row drawn, and one past the last. */
  readonly first: number;
  readonly last: number;
  /** The height of one row, for the spacers. */
  readonly rowPx: number;
}

function scrollBox(el: HTMLElement): HTMLElement | undefined {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const y = getComputedStyle(p).overflowY;
    if (y === "auto" || y === "scroll") return p;
  }
  return undefined;
}

/**
 * The rows of `table` to draw out of `count`, always including `keep` (the cursor's row: the grid's
 * keyboard focus and its scroll into view need its cells).
 */
export function useRowWindow(
  table: RefObject<HTMLTableElement | null>,
  count: number,
  keep: number,
): RowWindow {
  const [win, setWin] = useState<RowWindow>({ first: 0, last: 2 * MARGIN, rowPx: ROW_PX });
  const windowed = count > ALL_ROWS_UP_TO;
  useEffect(() => {
    const t = table.current;
    const box = t && windowed ? scrollBox(t) : undefined;
    if (!t || !box) return;
    let frame = 0;
    const update = () => {
      frame = 0;
      const body = t.tBodies[0];
      if (!body) return;
      const row = body.querySelector<HTMLElement>("tr[data-row-id]");
      const rowPx = row?.getBoundingClientRect().height || ROW_PX;
      const above = box.getBoundingClientRect().top - body.getBoundingClientRect().top;
      const a = Math.max(0, Math.floor(above / rowPx));
      const b = Math.min(count, a + Math.ceil(box.clientHeight / rowPx) + 1);
      setWin((w) =>
        // Moved only when the visible rows come near an edge of the drawn ones.
        w.rowPx === rowPx &&
        w.last <= count &&
        (a >= w.first + MARGIN / 2 || w.first === 0) &&
        (b <= w.last - MARGIN / 2 || w.last === count)
          ? w
          : { first: Math.max(0, a - MARGIN), last: Math.min(count, b + MARGIN), rowPx },
      );
    };
    const later = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    box.addEventListener("scroll", later, { passive: true });
    const resized = new ResizeObserver(later);
    resized.observe(box);
    return () => {
      box.removeEventListener("scroll", later);
      resized.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [table, count, windowed]);
  if (!windowed) return { first: 0, last: count, rowPx: win.rowPx };
  const first = Math.min(win.first, Math.max(0, keep));
  const last = Math.min(count, Math.max(win.last, keep + 1));
  return { first, last, rowPx: win.rowPx };
}
