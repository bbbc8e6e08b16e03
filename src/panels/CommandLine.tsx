/** The equivalent QEMU command (the core's exportArgv + formatCommand), one-line or multi-line, with copy. */
import { exportArgv, formatCommand } from "@guestmap/core";
import { useDeferredValue, useMemo, useState } from "react";
import { useEffectiveLayout } from "../store/derived";
import { button, Panel } from "../ui/Panel";

export function CommandLine() {
  const layout = useDeferredValue(useEffectiveLayout());
  const [format, setFormat] = useState<"line" | "multiline">("multiline");
  const [copied, setCopied] = useState(false);
  const result = useMemo(() => exportArgv(layout), [layout]);
  const text = result.ok ? formatCommand(result.groups, format) : "";
  return (
    <Panel
      id="cmdline-title"
      title="QEMU command line"
      actions={
        <>
          <fieldset className="flex overflow-hidden rounded border border-line text-[11px]">
            <legend className="sr-only">Format</legend>
            {(["multiline", "line"] as const).map((f) => (
              <label
                key={f}
                className={`cursor-pointer px-2 py-0.5 has-[:focus-visible]:outline-2 has-[:focus-visible]:-outline-offset-2 has-[:focus-visible]:outline-focus ${format === f ? "bg-kernel/40 text-ink" : "text-muted"}`}
              >
                <input
                  type="radio"
                  name="cmd-format"
                  className="sr-only"
                  checked={format === f}
                  onChange={() => setFormat(f)}
                />
                {f === "line" ? "One line" : "Multi-line"}
              </label>
            ))}
          </fieldset>
          <button
            type="button"
            className={button}
            disabled={!result.ok}
            onClick={async () => {
              await navigator.clipboard.writeText(text);
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            }}
          >
            {copied ? "Copied ✓" : "Copy"}
          </button>
        </>
      }
    >
      {result.ok ? (
        <pre
          data-testid="command-line"
          className="font-mono text-[11.5px] leading-[1.5] whitespace-pre-wrap break-all text-ink"
        >
          {text}
        </pre>
      ) : (
        <ul className="text-[12px] text-bad">
          {result.issues.map((i) => (
            <li key={`${i.code}-${i.field}`}>
              {i.code}: {i.message}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
