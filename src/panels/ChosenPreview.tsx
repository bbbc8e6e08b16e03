/**
 * The /chosen QEMU will write, as the core prints it (dtc's DTS), with the DTB size; live while
 * dragging. With a -dtb it is that DTB's whole /chosen with QEMU's additions.
 */
import { chosenFdt, encodeFdt, printDts } from "@guestmap/core";
import { useMemo } from "react";
import { highlightDts } from "../dtb/highlight";
import { usePanelCheck } from "../store/derived";
import { Panel } from "../ui/Panel";
import { chunkText, TextChunk } from "../ui/TextChunks";

/** DTS text with its tokens coloured (DTS strings hold no line breaks: a chunk cuts no token). */
const highlighted = (dts: string) =>
  highlightDts(dts).map((t, i) =>
    t.kind === "text" ? (
      t.text
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: tokens have no identity beyond their position
      <span key={i} className={`tok-${t.kind}`}>
        {t.text}
      </span>
    ),
  );

export function ChosenPreview() {
  const { layout, placement } = usePanelCheck();
  const built = useMemo(() => {
    try {
      const fdt = chosenFdt(layout, placement.profile, { placement });
      return { dts: printDts(fdt), size: encodeFdt(fdt).length };
    } catch (e) {
      // DtbError (QEMU refuses the layout, a size is unknown) or FdtError EXISTS: say why.
      return { error: (e as Error).message };
    }
  }, [layout, placement]);
  return (
    <Panel
      id="chosen-title"
      title="/chosen"
      actions={
        <span className="font-mono text-[11px] text-muted" data-testid="dtb-size">
          {"size" in built ? `DTB ${built.size} bytes` : "no DTB"}
        </span>
      }
    >
      {"error" in built ? (
        <p className="text-[12px] text-warn">QEMU would not build this /chosen: {built.error}</p>
      ) : (
        <pre className="font-mono text-[11.5px] leading-[1.45] whitespace-pre-wrap" data-testid="chosen-dts">
          {chunkText(built.dts).map((text, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: chunks are positions in one text
            <TextChunk key={i} text={text} render={highlighted} />
          ))}
        </pre>
      )}
    </Panel>
  );
}
