/**
 * A DOM node that React content is portaled into once and that moves between places in the page
 * (`<Slot host>`): the content is not re-created when the tree around its place changes (the page's
 * slots, drawn first without react-resizable-panels and then with it, ui/Pane.tsx). A move keeps
 * the keyboard focus inside the content; a pointer's capture would be lost, so a move waits until
 * no pointer is down (`pointersUp`).
 */
import { useLayoutEffect, useRef } from "react";

/** A host for `createPortal`: transparent to the layout (`display: contents`). */
export function slotHost(): HTMLElement {
  const host = document.createElement("div");
  host.style.display = "contents";
  return host;
}

/** The element focused inside a host when it left its slot, to focus again in the next. */
const focusedIn = new WeakMap<HTMLElement, HTMLElement>();

/** Where `host` sits in the page while this is mounted. Render it before the portal into `host`. */
export function Slot({ host }: { host: HTMLElement }) {
  const ref = useRef<HTMLDivElement>(null);
  // A layout effect, and the Slot before the portal in the tree: the content measures itself in
  // its own layout effects and must be in the document by then.
  useLayoutEffect(() => {
    ref.current?.appendChild(host);
    const focused = focusedIn.get(host);
    focusedIn.delete(host);
    if (focused && host.contains(focused)) focused.focus({ preventScroll: true });
    return () => {
      const active = document.activeElement;
      if (active instanceof HTMLElement && host.contains(active)) focusedIn.set(host, active);
      host.remove();
    };
  }, [host]);
  return <div ref={ref} className="contents" />;
}

/** Pointers (mouse buttons, touches, pens) down now. */
const down = new Set<number>();
let waiting: (() => void)[] = [];
if (typeof window !== "undefined") {
  window.addEventListener("pointerdown", (e) => down.add(e.pointerId), true);
  const up = (e: PointerEvent) => {
    down.delete(e.pointerId);
    if (down.size > 0) return;
    for (const go of waiting) go();
    waiting = [];
  };
  window.addEventListener("pointerup", up, true);
  window.addEventListener("pointercancel", up, true);
}

/** Whether a pointer is down now. */
export const pointerDown = (): boolean => down.size > 0;

/** Resolves once no pointer is down (at once if none is). */
export function pointersUp(): Promise<void> {
  return down.size === 0 ? Promise.resolve() : new Promise((go) => waiting.push(go));
}
