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
};

const fileStem = (name: string) => name.replace(/[^\w.-]+/g, "-").replace(/^-|-$/g, "") || "layout";

/** The one message line under the header: what happened, and what the user can do about it. */
export function NoticeBar() {
  const notice = useGuestmap((s) => s.notice);
  if (!notice) return null;
  return (
    <div
      role="status"
      className={`flex items-center gap-2 rounded border px-3 py-1.5 text-[12px] ${notice.kind === "error" ? "border-bad/60 bg-bad/10 text-[#ffb4b4]" : "border-info/50 bg-info/10 text-ink"}`}
    >
      <span className="flex-1" dir="ltr">
        <BidiText text={notice.text} />
      </span>
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
