/** Imports: paste a QEMU command line, open a layout JSON, open a DTB. */
import { type ImportIssue, parseLayoutJson } from "@guestmap/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { setBaseDtb } from "../io/base-dtb";
import { checkBounds } from "../io/exports";
import { withHeads } from "../io/heads";
import { importCommand, readDtb } from "../io/imports";
import { FIT } from "../map/scale";
import type { Edit } from "../model/edits";
import { useGuestmap } from "../store/store";
import { FileButton } from "../ui/FileButton";
import { Menu } from "../ui/Menu";
import { button, input } from "../ui/Panel";

function apply(edit: Edit, text: string) {
  const s = useGuestmap.getState();
  s.dispatch(edit);
  s.selected(undefined);
  s.viewChanged(FIT);
  s.noticed({ kind: "info", text });
}

export function ImportMenu() {
  const [text, setText] = useState("");
  const [issues, setIssues] = useState<ImportIssue[]>([]);
  const id = useId();
  const client = useQueryClient();
  const fail = (e: unknown) => useGuestmap.getState().noticed({ kind: "error", text: (e as Error).message });
  const command = useMutation({
    mutationFn: importCommand,
    onSuccess: ({ layout, issues }) => {
      setIssues(issues);
      const errors = issues.filter((i) => i.severity === "error").length;
      apply(
        { type: "replaceLayout", layout },
        `Imported the command line${errors ? ` with ${errors} error(s)` : ""}. Blobs whose files are not here are placeholders: type their size or drop the files.`,
      );
    },
    onError: fail,
  });
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
  const dtb = useMutation({
    mutationFn: async (f: File) => ({ name: f.name, ...(await readDtb(f)) }),
    onSuccess: (base) => {
      setBaseDtb(client, { name: base.name, fdt: base.fdt });
      const { modules, bootargs } = base.chosen;
      const layout = useGuestmap.getState().layout;
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
    onError: (e) => fail(new Error(`Not a DTB: ${(e as Error).message}`)),
  });
  return (
    <Menu label="Import">
      <label htmlFor={id} className="px-1 text-[11px] text-muted">
        Paste a QEMU command line
      </label>
      <textarea
        id={id}
        className={`${input} h-24 py-1`}
        spellCheck={false}
        value={text}
        placeholder="qemu-system-aarch64 -M virt … -device guest-loader,addr=…"
        onChange={(e) => setText(e.target.value)}
      />
      <button type="button" className={button} disabled={!text.trim()} onClick={() => command.mutate(text)}>
        Import command line
      </button>
      {issues.length > 0 && (
        <ul className="max-h-28 overflow-auto text-[11px]">
          {issues.map((i) => (
            <li
              key={`${i.code}-${i.argIndex}-${i.message}`}
              className={i.severity === "error" ? "text-bad" : "text-warn"}
            >
              {i.code}: {i.message}
            </li>
          ))}
        </ul>
      )}
      <div className="mt-1 flex gap-1.5 border-t border-line pt-1.5">
        <FileButton
          label="Open layout JSON…"
          accept=".json,application/json"
          onFiles={([f]) => f && json.mutate(f)}
        />
        <FileButton label="Open DTB…" accept=".dtb,.dtbo" onFiles={([f]) => f && dtb.mutate(f)} />
      </div>
    </Menu>
  );
}
