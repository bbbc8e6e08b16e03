/**
 * The app's lazily loaded parts, each one `import()` away. The first chunk holds what draws the
 * map (React, the store, `placements()`); the rules (`check()`), the panels, parsers of outside
 * input, exports, imports and "Verify in QEMU" come in their own chunks after the first paint or
 * when first used, precached by the service worker.
 */
import { create } from "zustand";

export const loadLayoutParser = () => import("./layout-parser");
export const loadUnpacker = () => import("./unpacker");

export type Rules = typeof import("./rules");

/** The rules once loaded; a component reading them re-renders when they arrive. */
const useRulesStore = create<{ rules: Rules | undefined }>(() => ({ rules: undefined }));
let loading: Promise<Rules> | undefined;

/** Loads the rules chunk (once); resolves with it. */
export function loadRules(): Promise<Rules> {
  loading ??= import("./rules").then((rules) => {
    useRulesStore.setState({ rules });
    return rules;
  });
  return loading;
}

/** The rules if loaded, without waiting. */
export const rulesNow = (): Rules | undefined => useRulesStore.getState().rules;

/** The rules if loaded, as a hook: the caller renders again when they arrive. */
export const useRules = (): Rules | undefined => useRulesStore((s) => s.rules);

/**
 * Runs `fn` once the browser has painted the frame after this call (two animation frames), or
 * after 250 ms in a background tab, which gets no frames. Returns a cancel function.
 */
export function afterNextPaint(fn: () => void): () => void {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    fn();
  };
  let frame = requestAnimationFrame(() => {
    frame = requestAnimationFrame(go);
  });
  const timer = setTimeout(go, 250);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
