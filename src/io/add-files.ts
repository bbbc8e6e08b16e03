import { type Blob as FileRef, type Layout, MAX_LAYOUT_BLOBS as MAX_BLOBS } from "@guestmap/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { placeNewBlobs } from "../model/blob-rules";
import type { Edit } from "../model/edits";
import { useGuestmap } from "../store/store";
import { addr } from "../ui/format";
import { IngestCancelled, storeFiles } from "./ingest";

/**
 * Dropped or opened files. One file dropped onto a blob replaces that blob's file (address, kind
 * and bootargs stay; a placeholder keeps the path its command line names). A file named like a
 * placeholder fills it; any other becomes a new guest-loader blob in the nearest free aligned slot.
 * React-query owns the async reading; the result is one batch of edits (one undo step).
 */
export function useAddFiles() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ files, at, onto }: { files: readonly File[]; at?: bigint; onto?: string }) => {
      // Refused before any byte is read: a 20,000-file drop gets its answer at once.
      refuseOverBound(useGuestmap.getState().layout, files, onto);
      const stored = await storeFiles(files);
      const refs = stored.map((s) => s.ref);
      const notKept = stored.filter((s) => s.notKept).map((s) => `${s.ref.path} (${s.notKept})`);
      const layout = useGuestmap.getState().layout;
      const edits: Edit[] = [];
      const said: string[] = [];
      const current = onto === undefined ? undefined : blobFile(layout, onto);
      if (current && refs.length === 1) {
        const ref = refs[0]!;
        const path = current.size === undefined ? current.path : ref.path;
        return {
          edits: [{ type: "setBlobFile", id: onto!, file: { ...ref, path } } satisfies Edit],
          said: [`${ref.path} now fills ${current.path} (${onto}); its address, kind and bootargs are kept.`],
          notKept,
          select: onto,
        };
      }
      const fresh: FileRef[] = [];
      for (const ref of refs) {
        const placeholder = layout.modules.find((m) => {
          const f = m.kernel ?? m.initrd;
          return f && f.size === undefined && baseName(f.path) === ref.path;
        });
        const loader = layout.loaders.find(
          (l) => l.file.size === undefined && baseName(l.file.path) === ref.path,
        );
        if (!placeholder && loader)
          edits.push({ type: "setBlobFile", id: loader.id, file: { ...ref, path: loader.file.path } });
        else if (placeholder)
          edits.push({
            type: "setBlobFile",
            id: placeholder.id,
            file: { ...ref, path: (placeholder.kernel ?? placeholder.initrd)!.path },
          });
        else if (
          layout.kernel &&
          layout.kernel.size === undefined &&
          baseName(layout.kernel.path) === ref.path
        )
          edits.push({ type: "setKernel", kernel: { ...ref, path: layout.kernel.path } });
        else if (
          layout.initrd &&
          layout.initrd.size === undefined &&
          baseName(layout.initrd.path) === ref.path
        )
          edits.push({ type: "setInitrd", initrd: { ...ref, path: layout.initrd.path } });
        else if (layout.dtb && layout.dtb.size === undefined && layout.dtb.path.split("/").pop() === ref.path)
          edits.push({ type: "setDtb", dtb: { ...ref, path: layout.dtb.path } });
        else fresh.push(ref);
      }
      const modules = placeNewBlobs(layout, fresh, at);
      for (const m of modules) said.push(`${(m.kernel ?? m.initrd)!.path} went to ${addr(m.addr)}`);
      edits.push(...modules.map((module): Edit => ({ type: "addBlob", module })));
      const last = edits[edits.length - 1];
      const select =
        last?.type === "addBlob" ? last.module.id : last?.type === "setBlobFile" ? last.id : undefined;
      return {
        edits,
        said: said.length ? [`${said.join(", ")} (the nearest free aligned slot).`] : [],
        notKept,
        select,
      };
    },
    onSuccess: ({ edits, said, notKept, select }) => {
      // Files this browser did not have before are here now.
      void client.invalidateQueries({ queryKey: ["file"] });
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
}

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
    const f = m.kernel ?? m.initrd;
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
function blobFile(layout: Layout, id: string): FileRef | undefined {
  const m = layout.modules.find((x) => x.id === id);
  return m ? (m.kernel ?? m.initrd) : layout.loaders.find((l) => l.id === id)?.file;
}
