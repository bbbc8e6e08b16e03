import { serializeLayout } from "@guestmap/core";
import { download } from "../io/download";
import { useGuestmap } from "../store/store";
import type { NoticeAction } from "../store/ui-slice";
import { BidiText } from "./BidiText";
import { button } from "./Panel";

const ACTIONS: Record<NoticeAction, { label: string; run(): void }> = {
  "export-layout": {
    label: "Export layout JSON",
    run: () => {
      const s = useGuestmap.getState();
      download(
        // The layout file as Export writes it (io/exports.ts layoutJson), without loading the exporters.
        new Blob([serializeLayout(s.layout)], { type: "application/json" }),
        `${fileStem(s.layoutName)}.json`,
      );
    },
  },
  // A plain navigation: works even when the state in memory is what is broken.
  "start-fresh": { label: "Start fresh", run: () => window.location.assign("?reset") },
  "keep-addresses": { label: "Keep old addresses", run: () => useGuestmap.getState().archMoveReverted() },
};

/** Past this many lines the moves fold into a disclosure, so a 50-blob pack does not push the map away. */
const SHOWN = 3;

const fileStem = (name: string) => name.replace(/[^\w.-]+/g, "-").replace(/^-|-$/g, "") || "layout";

/** The one message line under the header: what happened, and what the user can do about it. */
export function NoticeBar() {
  const notice = useGuestmap((s) => s.notice);
  if (!notice) return null;
  return (
    <div
      role="status"
      data-testid="notice"
      className={`flex items-start gap-2 rounded border px-3 py-1.5 text-[12px] ${notice.kind === "error" ? "border-bad/60 bg-bad/10 text-[#ffb4b4]" : "border-info/50 bg-info/10 text-ink"}`}
    >
      <div className="min-w-0 flex-1" dir="ltr">
        <BidiText text={notice.text} />
        {notice.details && notice.details.length > 0 && <Details lines={notice.details} />}
      </div>
      {notice.actions?.map((a) => (
        <button key={a} type="button" className={button} onClick={ACTIONS[a].run}>
          {ACTIONS[a].label}
        </button>
      ))}
      <button type="button" className={button} onClick={() => useGuestmap.getState().noticed(undefined)}>
        Dismiss
      </button>
    </div>
  );
}

function Details({ lines }: { lines: readonly string[] }) {
  const list = (ls: readonly string[]) => (
    <ul className="font-mono text-[11px] text-ink/85">
      {ls.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list, shown once per notice
        <li key={i}>
          <BidiText text={l} />
        </li>
      ))}
    </ul>
  );
  if (lines.length <= SHOWN) return list(lines);
  return (
    <>
      {list(lines.slice(0, SHOWN))}
      <details>
        <summary className="cursor-pointer text-[11px] text-muted">{lines.length - SHOWN} more</summary>
        {list(lines.slice(SHOWN))}
      </details>
    </>
  );
}
