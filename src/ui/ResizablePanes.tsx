/**
 * The page's resizable, collapsible slots (react-resizable-panels), loaded after the map's first
 * paint (ui/Pane.tsx draws that paint with the same boxes): the Panel inside a slot gets a
 * collapse button in its header. Sizes and collapsed state are remembered per group in
 * localStorage (see PaneGroup), like the app's other UI preferences.
 */
import { type ReactNode, useContext, useState } from "react";
import {
  Group,
  Panel as ResizablePanel,
  Separator,
  useDefaultLayout,
  usePanelRef,
} from "react-resizable-panels";
import {
  COLLAPSED_PX,
  OrientationContext,
  PANE_CLASS,
  PaneContext,
  type PaneGroupProps,
  type PaneProps,
  separatorClasses,
} from "./Pane";

/** A row or column of Panes with separators between them; its layout is remembered under `id`. */
export function PaneGroup(props: PaneGroupProps) {
  const { defaultLayout, onLayoutChanged } = useDefaultLayout({
    id: `guestmap.${props.id}`,
    storage: localStorage,
  });
  return (
    <OrientationContext.Provider value={props.orientation}>
      <Group
        id={props.id}
        orientation={props.orientation}
        defaultLayout={defaultLayout}
        onLayoutChanged={onLayoutChanged}
        className={props.className}
      >
        {props.children}
      </Group>
    </OrientationContext.Provider>
  );
}

export function PaneSeparator({ label }: { label: string }) {
  const orientation = useContext(OrientationContext);
  return (
    <Separator aria-label={label} className={separatorClasses(orientation).outer}>
      <span className={separatorClasses(orientation).inner} />
    </Separator>
  );
}

export function Pane(props: PaneProps & { children: ReactNode }) {
  const orientation = useContext(OrientationContext);
  const ref = usePanelRef();
  const [collapsed, setCollapsed] = useState(false);
  const toggle = () => (ref.current?.isCollapsed() ? ref.current.expand() : ref.current?.collapse());
  return (
    <ResizablePanel
      id={props.id}
      panelRef={ref}
      collapsible={props.collapsible !== false}
      collapsedSize={props.collapsible === false ? 0 : COLLAPSED_PX}
      defaultSize={props.defaultSize}
      minSize={props.minSize}
      {...(props.maxSize !== undefined && { maxSize: props.maxSize })}
      onResize={() => setCollapsed(ref.current?.isCollapsed() ?? false)}
      className={PANE_CLASS}
    >
      {collapsed && orientation === "horizontal" ? (
        <button
          type="button"
          aria-expanded={false}
          aria-label={`Expand ${props.title}`}
          className="flex h-full w-full items-start justify-center rounded-md border border-line bg-panel pt-2 text-[11px] font-semibold tracking-wide text-muted uppercase [writing-mode:vertical-rl] hover:text-ink"
          onClick={toggle}
        >
          {props.title}
        </button>
      ) : (
        <PaneContext.Provider
          value={props.collapsible === false ? undefined : { collapsed, orientation, toggle }}
        >
          {props.children}
        </PaneContext.Provider>
      )}
    </ResizablePanel>
  );
}
