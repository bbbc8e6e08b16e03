/**
 * The header's "Verify in QEMU": connect a companion (paste the URL `guestmap serve` printed), pick
 * one of its QEMUs for the layout's arch, run; the status says "verified against QEMU 10.0.2 at
 * 14:02" or what differs.
 */
import { useState } from "react";
import { useGuestmap } from "../store/store";
import { Menu } from "../ui/Menu";
import { button, input } from "../ui/Panel";
import { parseCompanionUrl, useCompanion } from "./companion";
import { useChosenQemu, useQemus, useVerification } from "./useVerification";

function ConnectMenu() {
  const connected = useCompanion((s) => s.connected);
  const [text, setText] = useState("");
  const [error, setError] = useState<string>();
  const connect = () => {
    const c = parseCompanionUrl(text);
    if ("error" in c) setError(c.error);
    else {
      setError(undefined);
      connected(c);
    }
  };
  return (
    <Menu label="Verify in QEMU…" align="right">
      <form
        className="flex flex-col gap-1.5 p-1 text-[11px] text-muted"
        onSubmit={(e) => {
          e.preventDefault();
          connect();
        }}
      >
        <p>
          Run <code className="text-ink">npx guestmap serve</code> on this machine and paste the URL it
          prints. The app sends the layout and its files to that local companion only.
        </p>
        <label htmlFor="companion-url">Companion URL</label>
        <input
          id="companion-url"
          className={input}
          placeholder="http://127.0.0.1:PORT/?token=…"
          value={text}
          aria-invalid={error !== undefined}
          aria-describedby={error ? "companion-url-error" : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        {error && (
          <span id="companion-url-error" className="text-bad">
            {error}
          </span>
        )}
        <button type="submit" className={button}>
          Connect
        </button>
      </form>
    </Menu>
  );
}

const time = (d: Date) => d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });

export function VerifyControls() {
  const companion = useCompanion((s) => s.companion);
  const arch = useGuestmap((s) => s.layout.machine.arch);
  const qemus = useQemus();
  const { key, query, requested } = useVerification();
  const version = useChosenQemu();
  if (!companion) return <ConnectMenu />;
  const mine = (qemus.data ?? []).filter((q) => q.arch === arch);
  const v = query.data;
  const overwritten = v?.report.blobs.filter((b) => b.read && !b.intact) ?? [];
  let status: { text: string; kind: "ok" | "bad" | "info" } | undefined;
  if (qemus.isError) status = { text: (qemus.error as Error).message, kind: "bad" };
  else if (qemus.isSuccess && mine.length === 0)
    status = { text: `the companion has no qemu-system-${arch}`, kind: "bad" };
  else if (requested && query.isFetching) status = { text: `verifying in QEMU ${version}…`, kind: "info" };
  else if (requested && query.isError) status = { text: (query.error as Error).message, kind: "bad" };
  else if (v?.report.agrees)
    status = {
      text: `verified against QEMU ${v.qemu.version} at ${time(v.at)}${overwritten.length ? ` · ${overwritten.map((b) => `${b.name}: ${b.summary.replace(/ \(first at.*$/, "")}`).join("; ")}` : ""}`,
      kind: overwritten.length ? "bad" : "ok",
    };
  else if (v)
    status = {
      text: `QEMU ${v.qemu.version} differs at ${time(v.at)}: ${v.report.differences[0]}${v.report.differences.length > 1 ? ` (+${v.report.differences.length - 1} more)` : ""}`,
      kind: "bad",
    };
  return (
    // At least as wide as its controls: a crowded header wraps instead of drawing over them.
    <div className="flex min-w-80 flex-1 items-center gap-1.5">
      <select
        aria-label="QEMU to verify with"
        className="h-7 rounded border border-line bg-panel-2 px-1 text-[12px]"
        value={version ?? ""}
        onChange={(e) => useCompanion.getState().qemuChosen(e.target.value)}
        disabled={mine.length === 0}
      >
        {mine.map((q) => (
          <option key={q.version} value={q.version}>
            QEMU {q.version}
          </option>
        ))}
      </select>
      <button
        type="button"
        className={`${button} h-7 text-[12px] whitespace-nowrap`}
        disabled={!version || (requested && query.isFetching)}
        onClick={() => {
          if (!version) return;
          // The same layout again: run QEMU again (it may have been replaced), else a new request.
          if (requested) void query.refetch();
          else useCompanion.getState().verifyRequested(key, version);
        }}
      >
        Verify in QEMU
      </button>
      <span
        role="status"
        data-testid="verify-status"
        className={`line-clamp-2 min-w-0 flex-1 text-[11px] leading-tight ${status?.kind === "ok" ? "text-ram-ink" : status?.kind === "bad" ? "text-bad" : "text-info"}`}
        title={status?.text}
      >
        {status?.text}
      </span>
      <button
        type="button"
        className={button}
        title={`Disconnect from the companion at ${companion.base}`}
        onClick={() => useCompanion.getState().connected(undefined)}
      >
        ✕
      </button>
    </div>
  );
}
