/**
 * What changes while a blob is dragged, apart from the static blocks: the dragged block under the
 * pointer, its guides, and the collisions of the layout as it would be on release. Only this layer
 * (and blocks whose own problem changes) re-renders per pointer move; the map holds still.
 */
import { moduleAlignment } from "../model/blob-rules";
import { type Checked, checked, useCheck, useProblem } from "../store/derived";
import { useGuestmap } from "../store/store";
import { DraggedBlock } from "./Blocks";
import { type Collision, collisionsIn, PLACEHOLDER_SPAN } from "./map-model";
import { CollisionBands, DragGuides } from "./Overlays";
import { type Scale, toScreen, type View } from "./scale";
import { useLanes } from "./useLanes";

/**
 * The live layout's collisions, once per check: the whole map model (rows, the collapsed scale's
 * ranges) of a layout the map does not draw was a millisecond of every drag and key frame.
 */
const collisionsOf = new WeakMap<Checked, readonly Collision[]>();
function liveCollisions(c: Checked): readonly Collision[] {
  let out = collisionsOf.get(c);
  if (!out) {
    out = collisionsIn(c.diagnostics);
    collisionsOf.set(c, out);
  }
  return out;
}

export function LiveLayer(props: { scale: Scale; view: View; width: number }) {
  const live = useCheck();
  return (
    // Its own compositing layer: what moves here is painted over the map, never repainting the
    // 500 labelled blocks under it (that was most of a drag frame in the collapsed scale).
    <div className="pointer-events-none absolute inset-0 z-20" style={{ willChange: "transform" }}>
      <CollisionBands
        collisions={liveCollisions(live)}
        scale={props.scale}
        view={props.view}
        width={props.width}
      />
      <DragLayer {...props} />
    </div>
  );
}

function DragLayer({ scale, view, width }: { scale: Scale; view: View; width: number }) {
  const lanes = useLanes();
  const drag = useGuestmap((s) => s.drag);
  const layout = useGuestmap((s) => s.layout);
  const problem = useProblem(drag?.id ?? "");
  if (!drag) return null;
  // Its width and BSS as drawn at pointer-down, from the committed layout's placement.
  const at = checked(layout).placement.regions.find((r) => r.id === drag.id);
  const module = layout.modules.find((m) => m.id === drag.id);
  const align = module ? moduleAlignment(layout, module).align : 1n;
  const w = at ? toScreen(scale, view, at.addr + at.size) - toScreen(scale, view, at.addr) : 12;
  const bss =
    at && at.footprint > at.size
      ? toScreen(scale, view, at.addr + at.footprint) - toScreen(scale, view, at.addr + at.size)
      : 0;
  const left = toScreen(scale, view, drag.addr);
  return (
    <>
      {!at && (
        // A placeholder (no file, no size yet): its nominal page, dashed, under the pointer.
        <div
          aria-hidden
          data-testid="dragged-blob"
          className="pointer-events-none absolute z-10 rounded-[3px] border-2 border-dashed border-muted bg-panel-2/80"
          style={{
            left: 0,
            top: lanes.user.top,
            height: lanes.user.height,
            width: Math.max(12, toScreen(scale, view, drag.addr + PLACEHOLDER_SPAN) - left),
            transform: `translateX(${left}px)`,
          }}
        />
      )}
      {at && (
        <DraggedBlock
          region={{ ...at, addr: drag.addr }}
          left={left}
          width={w}
          bssWidth={bss}
          problem={problem}
          focused={drag.key}
        />
      )}
      {!drag.key && (
        <DragGuides
          scale={scale}
          view={view}
          addr={drag.addr}
          pointer={drag.pointer}
          edge={drag.edge}
          align={align}
          width={width}
        />
      )}
    </>
  );
}
