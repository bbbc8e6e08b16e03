/** The equivalent QEMU command (the core's exportArgv + formatCommand), one-line or multi-line, with copy. */
import { exportArgv, formatCommand } from "@guestmap/core";
import { useMemo, useState } from "react";
import { usePanelLayout } from "../store/derived";
import { BidiText } from "../ui/BidiText";
import { button, Panel } from "../ui/Panel";
import { Segmented } from "../ui/Segmented";

export function CommandLine() {
  const layout = usePanelLayout();
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
          <Segmented<"multiline" | "line">
            legend="Format"
            name="cmd-format"
            options={[
              ["multiline", "Multi-line"],
              ["line", "One line"],
            ]}
            value={format}
            onChange={setFormat}
          />
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
          <BidiText text={text} />
        </pre>
      ) : (
        <ul className="text-[12px] text-bad">
          {result.issues.map((i) => (
            <li key={`${i.code}-${i.where}`}>
              {i.code}: <BidiText text={i.message} />
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
