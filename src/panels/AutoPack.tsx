/** Auto-pack: one click places every guest-loader and loader blob collision-free (the core's pack). */
import { useState } from "react";
import type { PackOrder } from "../store/ops-slice";
import { useGuestmap } from "../store/store";
import { button, input } from "../ui/Panel";

export function AutoPack() {
  const [order, setOrder] = useState<PackOrder>("keep");
  // Xen maps boot modules with 2 MiB pages where it can: "2 MiB" packs every blob on one.
  const [align, setAlign] = useState<"protocol" | "2M">("protocol");
  const hasBlobs = useGuestmap((s) => s.layout.modules.length + s.layout.loaders.length > 0);
  return (
    <div className="flex items-center gap-1">
      <button
        type="button"
        className={`${button} whitespace-nowrap`}
        disabled={!hasBlobs}
        title="Place every blob at its alignment, clear of QEMU's regions, each kernel's BSS and each other (pinned blobs stay). One undo step."
        onClick={() => useGuestmap.getState().autoPacked(order, align === "2M" ? 2n << 20n : undefined)}
      >
        Auto-pack
      </button>
      <select
        aria-label="Auto-pack order"
        className={`${input} w-auto text-[11px]`}
        value={order}
        onChange={(e) => setOrder(e.target.value as PackOrder)}
      >
        <option value="keep">memory order</option>
        <option value="size">largest first</option>
      </select>
      <select
        aria-label="Auto-pack alignment"
        className={`${input} w-auto text-[11px]`}
        value={align}
        onChange={(e) => setAlign(e.target.value as "protocol" | "2M")}
      >
        <option value="protocol">own alignment</option>
        <option value="2M">2 MiB each</option>
      </select>
    </div>
  );
}
