/** The equivalent QEMU command (the core's exportArgv + formatCommand), one-line or multi-line, with copy. */
import { exportArgv, formatCommand } from "@guestmap/core";
import { useMemo, useState } from "react";
import { usePanelLayout } from "../store/derived";
import { BidiText } from "../ui/BidiText";
import { button, Panel } from "../ui/Panel";
import { Segmented } from "../ui/Segmented";
import { shellRuns } from "../ui/shell-words";
import { chunkText, TextChunk } from "../ui/TextChunks";

/** Wraps between arguments only; an argument longer than the line breaks where it must. */
const argumentRuns = (text: string) =>
  shellRuns(text).map((r, i) =>
    r.space ? (
      r.text
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: the runs of one fixed string
      <span key={i} className="inline-block max-w-full break-all">
        <BidiText text={r.text} />
      </span>
    ),
  );

export function CommandLine() {
  const layout = usePanelLayout();
  const [format, setFormat] = useState<"line" | "multiline">("multiline");
  const [copied, setCopied] = useState(false);
  const result = useMemo(() => exportArgv(layout), [layout]);
  const text = result.ok ? formatCommand(result.groups, format) : "";
  const chunks = useMemo(() => {
    // Cut only at line ends between arguments (a quoted argument may hold a line break).
    const between = new Set<number>();
    let at = 0;
    for (const r of shellRuns(text)) {
      if (r.space)
        for (let i = r.text.indexOf("\n"); i >= 0; i = r.text.indexOf("\n", i + 1)) between.add(at + i);
      at += r.text.length;
    }
    return chunkText(text, undefined, (i) => between.has(i));
  }, [text]);
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
          className="font-mono text-[11.5px] leading-[1.5] whitespace-pre-wrap text-ink"
        >
          {chunks.map((chunk, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: chunks are positions in one text
            <TextChunk key={i} text={chunk} render={argumentRuns} />
          ))}
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
