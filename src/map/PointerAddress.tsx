import { type RefObject, useEffect, useRef, useState } from "react";
import { useGuestmap } from "../store/store";
import { addr } from "../ui/format";
import { fromScreen, type Scale } from "./scale";

/**
 * The address under the pointer, for the toolbar. It listens to the map node itself so that a
 * moving pointer re-renders this readout only, never the map. The listeners stay bound across
 * scale changes (the scale is read from a ref), and the map's edge is measured when the pointer
 * enters, never on an edit: measuring in an effect forced a layout on every arrow-key move.
 */
export function PointerAddress({ mapRef, scale }: { mapRef: RefObject<HTMLElement | null>; scale: Scale }) {
  const [pointer, setPointer] = useState<bigint>();
  const scaleRef = useRef(scale);
  scaleRef.current = scale;
  useEffect(() => {
    const el = mapRef.current;
    if (!el) return;
    let left: number | undefined;
    const enter = () => {
      left = el.getBoundingClientRect().left;
    };
    const move = (e: PointerEvent) => {
      if (left === undefined) enter();
      setPointer(fromScreen(scaleRef.current, useGuestmap.getState().view, e.clientX - left!));
    };
    const leave = () => {
      left = undefined;
      setPointer(undefined);
    };
    el.addEventListener("pointerenter", enter);
    el.addEventListener("pointermove", move);
    el.addEventListener("pointerleave", leave);
    return () => {
      el.removeEventListener("pointerenter", enter);
      el.removeEventListener("pointermove", move);
      el.removeEventListener("pointerleave", leave);
    };
  }, [mapRef]);
  return <>{pointer !== undefined ? `${addr(pointer)} · ` : ""}</>;
}
