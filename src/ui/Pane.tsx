/**
 * The page's slots: rows and columns of Panes with separators. They are resizable and collapsible
 * with react-resizable-panels (ui/ResizablePanes.tsx), which loads after the map's first paint:
 * that paint is drawn with plain boxes laid out as the library lays out its panels (a remembered
 * layout's shares, else the default sizes scaled to fill the group), and the library takes over
 * once it is in. The map moves across as one DOM node (App.tsx's MapSlot), so it is not drawn twice.
 */
import {
  type CSSProperties,
  createContext,
  type ReactNode,
  useContext,
  useLayoutEffect,
  useRef,
} from "react";
import { usePanes } from "../lazy/after-map";

export interface PaneGroupProps {
  id: string;
  orientation: "horizontal" | "vertical";
  className?: string;
  children: ReactNode;
}

export interface PaneProps {
  id: string;
  /** A title for the collapsed strip of a column. */
  title: string;
  defaultSize: string;
  minSize: string | number;
  maxSize?: string | number;
  /** False for a slot that only holds another group (its panels collapse themselves). */
  collapsible?: boolean;
}

interface PaneState {
  readonly collapsed: boolean;
  readonly orientation: "horizontal" | "vertical";
  toggle(): void;
}

export const PaneContext = createContext<PaneState | undefined>(undefined);
export const OrientationContext = createContext<"horizontal" | "vertical">("horizontal");

/** The collapse state of the enclosing Pane, if any (Panel draws its button from it). */
export const usePane = () => useContext(PaneContext);

/** Collapsed: a header row (vertical groups) or a 28 px strip (horizontal groups). */
export const COLLAPSED_PX = 28;

export const PANE_CLASS = "flex min-h-0 min-w-0 flex-col gap-2";

export const separatorClasses = (orientation: "horizontal" | "vertical") => ({
  outer: `group flex items-center justify-center outline-none ${orientation === "horizontal" ? "w-2" : "h-2"}`,
  inner: `rounded-full bg-line group-hover:bg-muted group-focus-visible:bg-focus group-data-[separator=active]:bg-focus ${orientation === "horizontal" ? "h-8 w-0.5" : "h-0.5 w-8"}`,
});

/** A group's remembered layout (panel id → share in %), where the library keeps it. */
const SharesContext = createContext<Readonly<Record<string, number>> | undefined>(undefined);

function rememberedShares(id: string): Record<string, number> | undefined {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(`react-resizable-panels:guestmap.${id}`) ?? "null");
    if (v && typeof v === "object" && Object.values(v).every((x) => typeof x === "number"))
      return v as Record<string, number>;
  } catch {
    // Unreadable: the defaults, as the library would.
  }
  return undefined;
}

export function PaneGroup(props: PaneGroupProps) {
  const panes = usePanes();
  const ref = useRef<HTMLDivElement>(null);
  const shares = panes ? undefined : rememberedShares(props.id);
  const horizontal = props.orientation === "horizontal";
  // No remembered layout (a first visit): what the library does in its first layout effect
  // (react-resizable-panels 4.24). Each panel was laid out at its default size; a default in px
  // becomes its share of the panels' total as laid out, one in % stays, and the shares are scaled
  // to add up to 100. Set on the DOM, before the paint and without a second render. Inner groups
  // run first, as the library's do.
  useLayoutEffect(() => {
    const group = ref.current;
    if (!group || shares) return;
    const boxes = [...group.children].filter(
      (el): el is HTMLElement => el instanceof HTMLElement && el.dataset.defaultSize !== undefined,
    );
    const total = boxes.reduce((n, el) => n + (horizontal ? el.offsetWidth : el.offsetHeight), 0);
    const wanted = boxes.map((el) => {
      const size = el.dataset.defaultSize ?? "";
      return size.endsWith("px") ? (parseFloat(size) / total) * 100 : parseFloat(size);
    });
    const sum = wanted.reduce((n, x) => n + x, 0);
    boxes.forEach((el, i) => {
      el.style.flexGrow = String(((wanted[i] ?? 0) / sum) * 100);
      el.style.flexShrink = "1";
      el.style.flexBasis = "0px";
    });
  }, [shares, horizontal]);
  if (panes) return <panes.PaneGroup {...props} />;
  return (
    <OrientationContext.Provider value={props.orientation}>
      <SharesContext.Provider value={shares}>
        <div
          ref={ref}
          id={props.id}
          data-group
          className={props.className}
          style={{
            height: "100%",
            width: "100%",
            overflow: "hidden",
            display: "flex",
            flexDirection: horizontal ? "row" : "column",
            flexWrap: "nowrap",
          }}
        >
          {props.children}
        </div>
      </SharesContext.Provider>
    </OrientationContext.Provider>
  );
}

export function PaneSeparator({ label }: { label: string }) {
  const orientation = useContext(OrientationContext);
  const panes = usePanes();
  if (panes) return <panes.PaneSeparator label={label} />;
  return (
    <div
      aria-hidden
      data-label={label}
      className={separatorClasses(orientation).outer}
      style={{ flexBasis: "auto", flexGrow: 0, flexShrink: 0 }}
    >
      <span className={separatorClasses(orientation).inner} />
    </div>
  );
}

/** Before the library: the box it gives a panel (react-resizable-panels 4.24, Panel). */
const BOX: CSSProperties = {
  minHeight: 0,
  maxHeight: "100%",
  height: "auto",
  minWidth: 0,
  maxWidth: "100%",
  width: "auto",
  display: "flex",
  flexBasis: 0,
  flexShrink: 1,
  overflow: "visible",
};

export function Pane(props: PaneProps & { children: ReactNode }) {
  const shares = useContext(SharesContext);
  const panes = usePanes();
  if (panes) return <panes.Pane {...props} />;
  const share = shares?.[props.id];
  return (
    <div
      id={props.id}
      data-panel
      data-default-size={props.defaultSize}
      style={{
        ...BOX,
        // No remembered layout: the default size, until the group's layout effect scales it.
        ...(share !== undefined
          ? { flexGrow: share }
          : { flexGrow: undefined, flexShrink: undefined, flexBasis: props.defaultSize }),
      }}
    >
      <div
        className={PANE_CLASS}
        style={{ maxHeight: "100%", maxWidth: "100%", flexGrow: 1, overflow: "auto" }}
      >
        {props.children}
      </div>
    </div>
  );
}
