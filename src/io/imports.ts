/**
 * Imports: a pasted QEMU command line (or script), a layout JSON (a DTB is read in dtb-worker.ts). Parsing is the core's;
 * this module only fills placeholders from files this browser already has.
 */
import {
  type ImportIssue,
  importShellCommand,
  type Layout,
  type LayoutBlob,
  layoutFiles,
  withLayoutFiles,
} from "@guestmap/core";
import { refByName } from "./file-store";

async function fill(ref: LayoutBlob): Promise<LayoutBlob> {
  if (ref.size !== undefined) return ref;
  const stored = await refByName(ref.path.split("/").pop() ?? ref.path);
  return stored ? { ...stored, path: ref.path } : ref;
}

/**
 * Gives placeholders (blobs without a size) the bytes of a same-named file kept in this browser:
 * every file the layout names, through the core's one walk (`layoutFiles`).
 */
export async function fillPlaceholders(layout: Layout): Promise<Layout> {
  return withLayoutFiles(layout, await Promise.all(layoutFiles(layout).map((s) => fill(s.blob))));
}

/** A pasted command's import: a layout only when it has no error (a failed import changes nothing). */
export interface CommandImport {
  readonly layout: Layout | undefined;
  readonly issues: readonly ImportIssue[];
  /** Variables the paste uses without a value: the form under the paste box asks for them. */
  readonly missingVariables: readonly string[];
}

export async function importCommand(text: string, vars: Record<string, string> = {}): Promise<CommandImport> {
  const r = importShellCommand(text, { vars });
  const failed = r.diagnostics.some((d) => d.severity === "error");
  return {
    layout: failed ? undefined : await fillPlaceholders(r.layout),
    issues: r.diagnostics,
    missingVariables: r.missingVariables ?? [],
  };
}
