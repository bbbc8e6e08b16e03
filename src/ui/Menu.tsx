import { type ReactNode, useEffect, useRef } from "react";

/** A disclosure menu (native details/summary: keyboard and screen-reader friendly); closes on outside click or Escape. */
export function Menu(props: {
  label: string;
  children: ReactNode;
  align?: "left" | "right";
  /** Work started from the menu is under way: said next to the label. */
  busy?: string;
  /** Opened or closed: a menu whose items cost something to describe computes them only while open. */
  onOpenChange?(open: boolean): void;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (e: Event) => {
      const d = ref.current;
      if (!d?.open) return;
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !d.contains(e.target as Node)) {
        // Escape from inside the menu returns focus to its button instead of dropping it on the page.
        const inside = e instanceof KeyboardEvent && d.contains(document.activeElement);
        d.open = false;
        if (inside) d.querySelector("summary")?.focus();
      }
    };
    document.addEventListener("pointerdown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("pointerdown", close);
      document.removeEventListener("keydown", close);
    };
  }, []);
  return (
    <details
      ref={ref}
      className="relative"
      aria-busy={props.busy !== undefined}
      onToggle={(e) => props.onOpenChange?.(e.currentTarget.open)}
    >
      <summary className="flex h-7 cursor-pointer list-none items-center rounded border border-line bg-panel-2 px-2.5 text-[12px] whitespace-nowrap hover:border-muted">
        {props.label}{" "}
        <span aria-hidden className="ml-1 text-muted">
          ▾
        </span>
        <span aria-live="polite" className="ml-1.5 text-[11px] text-info empty:hidden">
          {props.busy}
        </span>
      </summary>
      <div
        className={`absolute z-30 mt-1 flex w-80 flex-col gap-1 rounded-md border border-line bg-panel-2 p-1.5 shadow-2xl shadow-black/60 ${props.align === "right" ? "right-0" : "left-0"}`}
      >
        {props.children}
      </div>
    </details>
  );
}

export function MenuItem(props: { title: string; detail?: string; onClick(): void; disabled?: boolean }) {
  return (
    <button
      type="button"
      disabled={props.disabled}
      onClick={(e) => {
        const menu = e.currentTarget.closest("details");
        menu?.removeAttribute("open");
        // The item is hidden now: keep keyboard focus on the menu's button.
        menu?.querySelector("summary")?.focus();
        props.onClick();
      }}
      className="rounded px-2 py-1.5 text-left hover:bg-line/60 disabled:opacity-40"
    >
      <span className="block text-[12px] text-ink">{props.title}</span>
      {props.detail && <span className="block text-[11px] text-muted">{props.detail}</span>}
    </button>
  );
}
