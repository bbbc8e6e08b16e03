/** The /chosen QEMU will write, as the core prints it (dtc's DTS), with the DTB size; live while dragging. */
import { encodeFdt, printDts } from "@guestmap/core";
import { useMemo } from "react";
import { standaloneChosen } from "../dtb/chosen";
import { highlightDts } from "../dtb/highlight";
import { useEffectiveLayout } from "../store/derived";
import { Panel } from "../ui/Panel";

export function ChosenPreview() {
  const layout = useEffectiveLayout();
  const { dts, size } = useMemo(() => {
    const fdt = standaloneChosen(layout);
    return { dts: printDts(fdt), size: encodeFdt(fdt).length };
  }, [layout]);
  return (
    <Panel
      id="chosen-title"
      title="/chosen"
      actions={
        <span className="font-mono text-[11px] text-muted" data-testid="dtb-size">
          DTB {size} bytes
        </span>
      }
    >
      <pre className="font-mono text-[11.5px] leading-[1.45] whitespace-pre-wrap" data-testid="chosen-dts">
        {highlightDts(dts).map((t, i) =>
          t.kind === "text" ? (
            t.text
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: tokens have no identity beyond their position
            <span key={i} className={`tok-${t.kind}`}>
              {t.text}
            </span>
          ),
        )}
      </pre>
    </Panel>
  );
}
