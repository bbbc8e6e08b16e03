/** Imports: paste a QEMU command line, open a layout JSON, open a DTB. A failed import changes nothing. */
import { type Layout, layoutFiles, parseLayoutJson } from "@guestmap/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { setBaseDtb } from "../io/base-dtb";
import { DtbJobCancelled, readDtbOffThread } from "../io/dtb-off-thread";
import { checkBounds } from "../io/exports";
import { withHeads } from "../io/heads";
import { FIT } from "../map/scale";
import type { Edit } from "../model/edits";
import { useGuestmap } from "../store/store";
import { FileButton } from "../ui/FileButton";
import { Menu } from "../ui/Menu";
import { button } from "../ui/Panel";
import { PasteCommand } from "./PasteCommand";

function apply(edit: Edit, text: string) {
  const s = useGuestmap.getState();
  // Imported arguments are not the ones the trust switch vouched for, even when equal to them.
  if (edit.type === "replaceLayout" && edit.layout.extraArgs !== s.layout.extraArgs)
    s.trustSwitched(undefined);
  s.dispatch(edit);
  s.selected(undefined);
  s.viewChanged(FIT);
  s.noticed({ kind: "info", text });
}

/** Whether the import found every file it names in this browser, and which ones it did not. */
function filesFound(layout: Layout): string {
  const files = layoutFiles(layout);
  const missing = [...new Set(files.filter((f) => f.blob.size === undefined).map((f) => f.blob.path))];
  if (files.length === 0) return "It names no files.";
  if (missing.length === 0)
    return files.length === 1
      ? "Its file was found in this browser."
      : `All ${files.length} files were found in this browser.`;
  const list =
    missing.length > 3
      ? `${missing.slice(0, 3).join(", ")} and ${missing.length - 3} more`
      : missing.join(", ");
  return `${missing.length} ${missing.length === 1 ? "file is" : "files are"} not in this browser (${list}): ${missing.length === 1 ? "its blob is a placeholder" : "their blobs are placeholders"}; type the size or drop the file.`;
}

export function ImportMenu() {
  const client = useQueryClient();
  const fail = (e: unknown) => useGuestmap.getState().noticed({ kind: "error", text: (e as Error).message });
  const json = useMutation({
    mutationFn: async (f: File) => {
      const parsed = parseLayoutJson(await f.text(), f.name);
      checkBounds(parsed, f.name);
      // Verbatim QEMU arguments from a file are untrusted until the user accepts them.
      const [layout] = await withHeads([{ ...parsed, extraArgs: [] }]);
      return { layout: layout!, extra: parsed.extraArgs, name: f.name };
    },
    onSuccess: ({ layout, extra, name }) => {
      apply({ type: "replaceLayout", layout }, "Opened the layout.");
      if (extra.length) useGuestmap.getState().untrustedChanged({ args: extra, source: name });
    },
    onError: fail,
  });
  // A DTB is read in a worker (a 100,000-node tree takes a second to decode); Cancel stops it.
  const reading = useRef<AbortController | undefined>(undefined);
  const dtb = useMutation({
    mutationFn: async (f: File) => {
      reading.current = new AbortController();
      return { name: f.name, ...(await readDtbOffThread(f, reading.current.signal)) };
    },
    onSuccess: (base) => {
      setBaseDtb(client, { name: base.name, bytes: base.bytes });
      const { modules, bootargs } = base.chosen;
      const layout = useGuestmap.getState().layout;
      // A base DTB without modules (QEMU's own -machine dumpdtb=, a board's DTB) is only a base:
      // the layout's modules stay.
      if (modules.length === 0) {
        useGuestmap.getState().noticed({
          kind: "info",
          text: `Opened ${base.name} as the base for merged DTB exports. Its /chosen has no modules, so the layout's ${layout.modules.length} module(s) stay as they are.`,
        });
        return;
      }
      apply(
        {
          type: "replaceLayout",
          layout: {
            ...layout,
            modules,
            ...(bootargs !== undefined && layout.kernel && { append: bootargs }),
          },
        },
        `Opened ${base.name}: ${modules.length} module(s) from its /chosen; it is now the base for merged DTB exports.`,
      );
    },
    onError: (e) =>
      e instanceof DtbJobCancelled
        ? useGuestmap
            .getState()
            .noticed({ kind: "info", text: "Stopped reading the DTB: nothing was changed." })
        : fail(new Error(`Not a DTB: ${(e as Error).message}`)),
  });
  return (
    <>
      <Menu label="Import" {...(dtb.isPending && { busy: `Reading ${dtb.variables.name}…` })}>
        <PasteCommand
          onImported={(layout, notes) =>
            apply(
              { type: "replaceLayout", layout },
              `Imported the command line${notes ? ` (${notes} note(s) in the Import menu: what was skipped or substituted)` : ""}. ${filesFound(layout)}`,
            )
          }
          onFailed={(text) => useGuestmap.getState().noticed({ kind: "error", text })}
        />
        <div className="mt-1 flex gap-1.5 border-t border-line pt-1.5">
          <FileButton
            label="Open layout JSON…"
            accept=".json,application/json"
            onFiles={([f]) => f && json.mutate(f)}
          />
          <FileButton label="Open DTB…" accept=".dtb,.dtbo" onFiles={([f]) => f && dtb.mutate(f)} />
        </div>
      </Menu>
      {dtb.isPending && (
        // Beside the menu, which closes when the file dialog opens; the menu's label says what is read.
        <button type="button" className={button} onClick={() => reading.current?.abort()}>
          Cancel reading
        </button>
      )}
    </>
  );
}
