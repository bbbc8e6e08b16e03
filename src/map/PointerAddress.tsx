import { type RefObject, useEffect, useState } from "react";
import { useGuestmap } from "../store/store";
import { addr } from "../ui/format";
import { fromScreen, type Scale } from "./scale";

/**
 * The address under the pointer, for the toolbar. It listens to the map node itself so that a
 * moving pointer re-renders this readout only, never the map.
 */
export function PointerAddress({ mapRef, scale }: { mapRef: RefObject<HTMLElement | null>; scale: Scale }) {
  const [pointer, setPointer] = useState<bigint>();
  useEffect(() => {
    const el = mapRef.current;
    if (!el) return;
    let left = 0;
    const enter = () => {
      left = el.getBoundingClientRect().left;
    };
    const move = (e: PointerEvent) =>
      setPointer(fromScreen(scale, useGuestmap.getState().view, e.clientX - left));
    const leave = () => setPointer(undefined);
    el.addEventListener("pointerenter", enter);
    el.addEventListener("pointermove", move);
    el.addEventListener("pointerleave", leave);
    enter();
    return () => {
      el.removeEventListener("pointerenter", enter);
      el.removeEventListener("pointermove", move);
      el.removeEventListener("pointerleave", leave);
    };
  }, [mapRef, scale]);
  return <>{pointer !== undefined ? `${addr(pointer)} · ` : ""}</>;
}
