/** Wires the drag and pan/zoom state machines to the map's DOM node and the store. */
import { type Layout, moduleKind, type Region } from "@guestmap/core";
import { type RefObject, useEffect, useRef } from "react";
import { createBlobDrag } from "../interaction/drag";
import { createMeasure, type Measured } from "../interaction/measure";
import { createPanZoom } from "../interaction/panzoom";
import { moduleAlignment } from "../model/blob-rules";
import { useGuestmap } from "../store/store";
import { PLACEHOLDER_SPAN } from "./map-model";
import { clampView, fromScreen, maxZoom, type Range, type Scale, toScreen } from "./scale";

export function useMapInteractions(
  ref: RefObject<HTMLElement | null>,
  scale: Scale,
  layout: Layout,
  regions: readonly Region[],
  ram: readonly Range[],
  measure: { on(): boolean; onChange(m: Measured | undefined): void },
) {
  const drag = useRef<ReturnType<typeof createBlobDrag>>(null);
  const panZoom = useRef<ReturnType<typeof createPanZoom>>(null);
  const measurer = useRef<ReturnType<typeof createMeasure>>(null);
  const measureRef = useRef(measure);
  measureRef.current = measure;

  useEffect(() => {
    const s = useGuestmap.getState;
    drag.current = createBlobDrag({
      onStart: (id) => s().selected(id),
      onMove: (p) => s().dragMoved(p),
      onEnd: () => s().dragEnded(),
      onCancel: () => s().dragCancelled(),
    });
    panZoom.current = createPanZoom();
    measurer.current = createMeasure((m) => measureRef.current.onChange(m));
    return () => {
      drag.current?.destroy();
      panZoom.current?.destroy();
      measurer.current?.destroy();
    };
  }, []);

  useEffect(() => {
    const domNode = ref.current;
    if (!domNode) return;
    const view = () => useGuestmap.getState().view;
    const max = maxZoom(scale);
    // The scale stays as it was at pointer-down for the whole drag: it comes from the committed
    // layout, which a drag does not change.
    const edgesBut = (id: string) => {
      const out: bigint[] = [];
      for (const r of ram) out.push(r.start, r.end);
      for (const r of regions)
        if (r.id !== id) {
          out.push(r.addr, r.addr + r.size);
          if (r.footprint > r.size) out.push(r.addr + r.footprint);
        }
      return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    };
    drag.current?.update({
      domNode,
      mapping: () => {
        const v = view();
        return { toAddr: (x) => fromScreen(scale, v, x), toX: (a) => toScreen(scale, v, a) };
      },
      blobAt: (id) => {
        const placed = regions.find((r) => r.id === id);
        const size = placed ? placed.size : PLACEHOLDER_SPAN;
        const m = layout.modules.find((x) => x.id === id);
        if (m && moduleKind(m))
          return { addr: m.addr, size, ...moduleAlignment(layout, m), edges: edgesBut(id) };
        const l = layout.loaders.find((x) => x.id === id);
        return l ? { addr: l.addr, size, align: 1n, offset: 0n, edges: edgesBut(id) } : undefined;
      },
      scrollBy: (dx) => {
        const v = view();
        const next = clampView({ zoom: v.zoom, pan: v.pan + dx }, scale.width, max);
        if (next.pan === v.pan) return false;
        useGuestmap.getState().viewChanged(next);
        return true;
      },
    });
    measurer.current?.update({
      domNode,
      toAddr: (x) => fromScreen(scale, view(), x),
      toX: (a) => toScreen(scale, view(), a),
      edges: () => edgesBut(""),
      on: () => measureRef.current.on(),
    });
    panZoom.current?.update({
      domNode,
      width: scale.width,
      maxZoom: max,
      getView: view,
      onChange: (v) => useGuestmap.getState().viewChanged(v),
      blocked: () => drag.current?.isDragging() ?? false,
    });
  }, [ref, scale, layout, regions, ram]);
}
