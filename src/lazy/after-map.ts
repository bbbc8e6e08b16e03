/**
 * What loads right after the map's first paint, each one `import()` away: the first chunk holds
 * what draws the map (React, the store, `placements()`); the rules (`check()`), the resizable
 * slots, the panels, the menus and "Verify in QEMU" come in their own chunks, precached by the
 * service worker.
 */
import { create } from "zustand";
import { pointerDown, pointersUp } from "../ui/Slot";

/**
 * A module loaded once, on demand: `load()` starts it (and resolves with it), `now()` has it if in,
 * and the hook `use()` has it too and renders its caller again when it arrives.
 */
function deferred<M>(importer: () => Promise<M>) {
  const store = create<{ module: M | undefined }>(() => ({ module: undefined }));
  let loading: Promise<M> | undefined;
  return {
    load(): Promise<M> {
      loading ??= importer().then((module) => {
        store.setState({ module });
        return module;
      });
      return loading;
    },
    now: (): M | undefined => store.getState().module,
    use: (): M | undefined => store((s) => s.module),
  };
}

export type Rules = typeof import("./rules");
const rules = deferred(() => import("./rules"));
/** The rules chunk: check() and the layout operations. */
export const loadRules = rules.load;
export const rulesNow = rules.now;
export const useRules = rules.use;

/** react-resizable-panels and the page's slots made with it (ui/Pane.tsx draws the first paint without). */
// They replace the first paint's slots, moving the map's node: never under a drag (ui/Slot.tsx).
const importPanes = () => import("../ui/ResizablePanes");
const panes = deferred(async () => {
  const module = await importPanes();
  await pointersUp();
  return module;
});
export const loadPanes = panes.load;
export const usePanes = panes.use;

/**
 * Resolves when the resizable slots are in place, or, if a drag holds them back, once their code
 * is in: what waits for the slots (the panels) need not wait for the drag too.
 */
export async function panesOrDrag(): Promise<void> {
  const placed = loadPanes();
  await importPanes();
  if (!pointerDown()) await placed;
}

/**
 * Runs `fn` once the browser has painted the frame after this call: a task queued from an
 * animation frame callback runs after that frame's paint. A tab opened in the background gets no
 * frames: after 250 ms the timer stands in. Returns a cancel function.
 */
export function afterNextPaint(fn: () => void): () => void {
  let done = false;
  let task: ReturnType<typeof setTimeout> | undefined;
  const go = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    fn();
  };
  const frame = requestAnimationFrame(() => {
    task = setTimeout(go, 0);
  });
  const timer = setTimeout(go, 250);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    clearTimeout(task);
  };
}
