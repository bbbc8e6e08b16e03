/** What the map's colours mean, and the keys: a help popover in the header, out of the map's way. */
import { LockIcon } from "../ui/LockIcon";
import { Menu } from "../ui/Menu";

const swatch = "inline-block h-3 w-5 shrink-0 rounded-[2px] border";

export function HelpPopover() {
  return (
    <Menu label="Help" align="right">
      <div className="p-1.5" data-testid="legend">
        <p className="mb-1.5 text-[11px] font-semibold tracking-wide text-ink uppercase">Legend</p>
        <ul className="grid grid-cols-2 gap-x-3 gap-y-1.5 text-[11.5px]">
          <li className="flex items-center gap-2">
            <span className={`${swatch} border-ram-ink/40 bg-ram`} /> RAM
          </li>
          <li className="flex items-center gap-2">
            <span
              className={`${swatch} flex items-center justify-center border-qemu-ink/50 bg-qemu text-qemu-ink`}
            >
              <LockIcon />
            </span>
            QEMU-owned
          </li>
          <li className="flex items-center gap-2">
            <span className={`${swatch} border-2 border-kernel bg-kernel/30`} /> guest-loader kernel
          </li>
          <li className="flex items-center gap-2">
            <span className={`${swatch} border-2 border-initrd bg-initrd/25`} /> guest-loader initrd
          </li>
          <li className="flex items-center gap-2">
            <span className={`${swatch} hatch border-dashed border-kernel text-[#cfc8ff]`} /> BSS (image_size)
          </li>
          <li className="flex items-center gap-2">
            <span className={`${swatch} collision border-bad`} /> collision bytes
          </li>
        </ul>
        <p className="mt-2.5 mb-1 border-t border-line pt-2 text-[11px] font-semibold tracking-wide text-ink uppercase">
          Keys
        </p>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-[11.5px]">
          {[
            ["Tab / ↑ ↓", "select a blob"],
            ["Enter", "edit the selected blob in the Inspector"],
            ["← →", "move by its alignment"],
            ["Shift + ← →", "move ×16"],
            ["Delete", "remove"],
            ["Ctrl/⌘ Z", "undo (Shift: redo)"],
            ["wheel / pinch", "zoom · drag empty map: pan"],
            ["Alt + drag", "no snapping"],
            ["Region table", "arrows between cells, Enter edits, Escape cancels"],
          ].map(([k, v]) => (
            <div key={k} className="contents">
              <dt>
                <kbd className="rounded border border-line bg-bg px-1 font-mono text-[10.5px] text-ink">
                  {k}
                </kbd>
              </dt>
              <dd className="text-muted">{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </Menu>
  );
}
