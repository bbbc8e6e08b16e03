/**
 * A resizable, collapsible slot of the page (react-resizable-panels): the Panel inside it gets a
 * collapse button in its header. Sizes and collapsed state are remembered per group in
 * localStorage (see PaneGroup), like the app's other UI preferences.
 */
import { createContext, type ReactNode, useContext, useState } from "react";
import {
  Group,
  Panel as ResizablePanel,
  Separator,
  useDefaultLayout,
  usePanelRef,
} from "react-resizable-panels";

interface PaneState {
  readonly collapsed: boolean;
  readonly orientation: "horizontal" | "vertical";
  toggle(): void;
}

const PaneContext = createContext<PaneState | undefined>(undefined);
const OrientationContext = createContext<"horizontal" | "vertical">("horizontal");

/** The collapse state of the enclosing Pane, if any (Panel draws its button from it). */
export const usePane = () => useContext(PaneContext);

/** A row or column of Panes with separators between them; its layout is remembered under `id`. */
export function PaneGroup(props: {
  id: string;
  orientation: "horizontal" | "vertical";
  className?: string;
  children: ReactNode;
}) {
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
    <Separator
      aria-label={label}
      className={`group flex items-center justify-center outline-none ${orientation === "horizontal" ? "w-2" : "h-2"}`}
    >
      <span
        className={`rounded-full bg-line group-hover:bg-muted group-focus-visible:bg-focus group-data-[separator=active]:bg-focus ${orientation === "horizontal" ? "h-8 w-0.5" : "h-0.5 w-8"}`}
      />
    </Separator>
  );
}

/** Collapsed: a header row (vertical groups) or a 28 px strip (horizontal groups). */
const COLLAPSED_PX = 28;

export function Pane(props: {
  id: string;
  /** A title for the collapsed strip of a column. */
  title: string;
  defaultSize: string;
  minSize: string | number;
  maxSize?: string | number;
  /** False for a slot that only holds another group (its panels collapse themselves). */
  collapsible?: boolean;
  children: ReactNode;
}) {
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
      className="flex min-h-0 min-w-0 flex-col gap-2"
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
