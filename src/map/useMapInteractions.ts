/** Wires the drag and pan/zoom state machines to the map's DOM node and the store. */
import { type Layout, moduleKind } from "@guestmap/core";
import { type RefObject, useEffect, useRef } from "react";
import { createBlobDrag } from "../interaction/drag";
import { createPanZoom } from "../interaction/panzoom";
import { moduleAlignment } from "../model/blob-rules";
import { useGuestmap } from "../store/store";
import { fromScreen, maxZoom, type Scale } from "./scale";

export function useMapInteractions(ref: RefObject<HTMLElement | null>, scale: Scale, layout: Layout) {
  const drag = useRef<ReturnType<typeof createBlobDrag>>(null);
  const panZoom = useRef<ReturnType<typeof createPanZoom>>(null);

  useEffect(() => {
    const s = useGuestmap.getState;
    drag.current = createBlobDrag({
      onStart: (id) => s().selected(id),
      onMove: (p) => s().dragMoved(p),
      onEnd: () => s().dragEnded(),
      onCancel: () => s().dragCancelled(),
    });
    panZoom.current = createPanZoom();
    return () => {
      drag.current?.destroy();
      panZoom.current?.destroy();
    };
  }, []);

  useEffect(() => {
    const domNode = ref.current;
    if (!domNode) return;
    const toAddr = (x: number) => fromScreen(scale, useGuestmap.getState().view, x);
    drag.current?.update({
      domNode,
      toAddr,
      blobAt: (id) => {
        const m = layout.modules.find((x) => x.id === id);
        if (m && moduleKind(m)) return { addr: m.addr, ...moduleAlignment(layout, m) };
        const l = layout.loaders.find((x) => x.id === id);
        return l ? { addr: l.addr, align: 1n, offset: 0n } : undefined;
      },
    });
    panZoom.current?.update({
      domNode,
      width: scale.width,
      maxZoom: maxZoom(scale),
      getView: () => useGuestmap.getState().view,
      onChange: (v) => useGuestmap.getState().viewChanged(v),
      blocked: () => drag.current?.isDragging() ?? false,
    });
  }, [ref, scale, layout]);
}
