import { type Layout, type LayoutBlob, MAX_LAYOUT_BLOBS as MAX_BLOBS, moduleFile } from "@guestmap/core";
import { MutationObserver } from "@tanstack/react-query";
import type { Edit } from "../model/edits";
import { addFileEdits } from "../model/file-edits";
import { useGuestmap } from "../store/store";
import { IngestCancelled, storeFiles } from "./ingest";
import { queryClient } from "./query-client";

export interface AddFilesRequest {
  readonly files: readonly File[];
  /** Where on the map they were dropped: new blobs go to the nearest free aligned slot from here. */
  readonly at?: bigint;
  /** The blob they were dropped on: one file replaces its file. */
  readonly onto?: string;
}

/**
 * Dropped or opened files. One file dropped onto a blob replaces that blob's file (address, kind
 * and bootargs stay; a placeholder keeps the path its command line names). Otherwise the core's
 * `addFiles` decides (model/file-edits.ts): a file named like a placeholder fills it, any other
 * becomes a new guest-loader blob in the nearest free aligned slot. React-query owns the async
 * reading, as one mutation the map observes (io/add-files.ts); the result is one batch of edits
 * (one undo step).
 */
export const addFilesObserver = new MutationObserver(queryClient, {
  mutationFn: async ({ files, at, onto }: AddFilesRequest) => {
    // Refused before any byte is read: a 20,000-file drop gets its answer at once.
    refuseOverBound(useGuestmap.getState().layout, files, onto);
    const stored = await storeFiles(files);
    const refs = stored.map((s) => s.ref);
    const notKept = stored.filter((s) => s.notKept).map((s) => `${s.ref.path} (${s.notKept})`);
    const layout = useGuestmap.getState().layout;
    const current = onto === undefined ? undefined : blobFile(layout, onto);
    if (current && refs.length === 1) {
      const ref = refs[0]!;
      const path = current.size === undefined ? current.path : ref.path;
      return {
        edits: [{ type: "setBlobFile", id: onto!, file: { ...ref, path } } satisfies Edit] as readonly Edit[],
        said: [`${ref.path} now fills ${current.path} (${onto}); its address, kind and bootargs are kept.`],
        notKept,
        select: onto,
      };
    }
    return { ...addFileEdits(layout, refs, at), notKept };
  },
  onSuccess: ({ edits, said, notKept, select }) => {
    // Files this browser did not have before are here now.
    void queryClient.invalidateQueries({ queryKey: ["file"] });
    const { dispatch, selected, noticed } = useGuestmap.getState();
    // Files dropped together are one undo step.
    dispatch({ type: "batch", edits });
    if (select) selected(select);
    if (notKept.length)
      noticed({
        kind: "error",
        text: `Could not keep ${notKept.join(", ")} in this browser's storage: the file works in this tab, but after a reload its bytes are gone and you will have to drop it again.`,
      });
    else if (said.length) noticed({ kind: "info", text: said.join(" ") });
  },
  onError: (e) =>
    useGuestmap.getState().noticed(
      e instanceof IngestCancelled || e instanceof TooManyFiles
        ? { kind: e instanceof IngestCancelled ? "info" : "error", text: e.message }
        : {
            kind: "error",
            text: `Could not read ${(e as Error).message}. Nothing was added; the layout is as it was.`,
          },
    ),
});

const baseName = (path: string) => path.split("/").pop() ?? path;

/** More files than a layout may hold blobs: refused as a whole, before reading, the layout untouched. */
export class TooManyFiles extends Error {
  override name = "TooManyFiles";
}

/**
 * Throws TooManyFiles when adding `files` would take the layout past MAX_BLOBS (the bound every
 * layout, link and saved state is held to: past it, every edit re-checks thousands of regions).
 * Files that fill a placeholder of their name, or replace the file of the blob they were dropped
 * on, add no blob.
 */
function refuseOverBound(layout: Layout, files: readonly File[], onto: string | undefined): void {
  if (onto !== undefined && files.length === 1) return;
  const placeholders = new Set<string>();
  for (const m of layout.modules) {
    const f = moduleFile(m);
    if (f && f.size === undefined) placeholders.add(baseName(f.path));
  }
  for (const l of layout.loaders) if (l.file.size === undefined) placeholders.add(baseName(l.file.path));
  const existing = layout.modules.length + layout.loaders.length;
  const fresh = files.filter((f) => !placeholders.has(f.name)).length;
  if (existing + fresh <= MAX_BLOBS) return;
  const room = Math.max(0, MAX_BLOBS - existing);
  throw new TooManyFiles(
    `${files.length} files would make ${existing + fresh} blobs, and a layout holds at most ${MAX_BLOBS} (Xen itself takes 32 modules). Nothing was read or added; the layout is as it was. Add at most ${room} file(s) at a time${room < fresh ? ", or start a New layout from the Layout menu" : ""}.`,
  );
}

/** The file of blob `id` (a guest-loader module or a generic loader). */
function blobFile(layout: Layout, id: string): LayoutBlob | undefined {
  const m = layout.modules.find((x) => x.id === id);
  return m ? moduleFile(m) : layout.loaders.find((l) => l.id === id)?.file;
}
