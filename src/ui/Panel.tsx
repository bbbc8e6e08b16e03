import type { ReactNode } from "react";
import { usePane } from "./Pane";

export function Panel(props: {
  id: string;
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const pane = usePane();
  const collapsed = pane?.collapsed ?? false;
  return (
    <section
      aria-labelledby={props.id}
      className={`flex min-h-0 min-w-0 flex-col rounded-md border border-line bg-panel ${pane ? "flex-1" : ""} ${props.className ?? ""}`}
    >
      <header className="flex items-center gap-2 border-b border-line px-2.5 py-1.5">
        <h2 id={props.id} className="text-[12px] font-semibold tracking-wide text-ink uppercase">
          {props.title}
        </h2>
        <div className="ml-auto flex items-center gap-1.5">{!collapsed && props.actions}</div>
        {pane && (
          <button
            type="button"
            className="-mr-1 h-5 w-5 rounded text-[11px] text-muted hover:bg-line/60 hover:text-ink"
            aria-expanded={!collapsed}
            aria-label={`${collapsed ? "Expand" : "Collapse"} ${props.title}`}
            title={collapsed ? "Expand" : "Collapse"}
            onClick={pane.toggle}
          >
            <span aria-hidden>{collapsed ? "▸" : "▾"}</span>
          </button>
        )}
      </header>
      {/* Focusable so keyboard users can scroll a long panel (/chosen, diagnostics). */}
      {!collapsed && (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <div tabIndex={0} className="min-h-0 flex-1 overflow-auto p-2.5">
          {props.children}
        </div>
      )}
    </section>
  );
}

export const button =
  "h-6 rounded border border-line bg-panel-2 px-2 text-[11px] text-ink hover:border-muted disabled:cursor-not-allowed disabled:opacity-40";
export const input =
  "h-6 w-full rounded border border-line bg-bg px-1.5 font-mono text-[12px] text-ink placeholder:text-muted/60 aria-[invalid=true]:border-bad";
export const label = "text-[11px] text-muted";
