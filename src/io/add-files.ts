import { type Layout, type LayoutBlob, moduleFile } from "@guestmap/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Edit } from "../model/edits";
import { addFileEdits } from "../model/file-edits";
import { useGuestmap } from "../store/store";
import { storeFile } from "./file-store";

/**
 * Dropped or opened files. One file dropped onto a blob replaces that blob's file (address, kind
 * and bootargs stay; a placeholder keeps the path its command line names). Otherwise the core's
 * `addFiles` decides (model/file-edits.ts): a file named like a placeholder fills it, any other
 * becomes a new guest-loader blob in the nearest free aligned slot. React-query owns the async
 * reading; the result is one batch of edits (one undo step).
 */
export function useAddFiles() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ files, at, onto }: { files: readonly File[]; at?: bigint; onto?: string }) => {
      const stored = await Promise.all(files.map(storeFile));
      const refs = stored.map((s) => s.ref);
      const notKept = stored.filter((s) => s.notKept).map((s) => `${s.ref.path} (${s.notKept})`);
      const layout = useGuestmap.getState().layout;
      const current = onto === undefined ? undefined : blobFile(layout, onto);
      if (current && refs.length === 1) {
        const ref = refs[0]!;
        const path = current.size === undefined ? current.path : ref.path;
        return {
          edits: [
            { type: "setBlobFile", id: onto!, file: { ...ref, path } } satisfies Edit,
          ] as readonly Edit[],
          said: [`${ref.path} now fills ${current.path} (${onto}); its address, kind and bootargs are kept.`],
          notKept,
          select: onto,
        };
      }
      return { ...addFileEdits(layout, refs, at), notKept };
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
      useGuestmap
        .getState()
        .noticed({ kind: "error", text: `Could not read the file: ${(e as Error).message}` }),
  });
}

/** The file of blob `id` (a guest-loader module or a generic loader). */
function blobFile(layout: Layout, id: string): LayoutBlob | undefined {
  const m = layout.modules.find((x) => x.id === id);
  return m ? moduleFile(m) : layout.loaders.find((l) => l.id === id)?.file;
}
