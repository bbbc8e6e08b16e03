import type { Blob as FileRef, Layout } from "@guestmap/core";
import { useMutation } from "@tanstack/react-query";
import { placeNewBlobs } from "../model/blob-rules";
import type { Edit } from "../model/edits";
import { useGuestmap } from "../store/store";
import { storeFile } from "./file-store";

/**
 * Dropped or opened files: a file named like a placeholder (a blob whose file was not at hand)
 * fills it; any other becomes a new guest-loader blob. React-query owns the async reading; the
 * result is a list of edits.
 */
export function useAddFiles() {
  return useMutation({
    mutationFn: async ({ files, at, onto }: { files: readonly File[]; at?: bigint; onto?: string }) => {
      const refs = await Promise.all(files.map(storeFile));
      const layout = useGuestmap.getState().layout;
      const edits: Edit[] = [];
      // One file dropped onto a placeholder fills it, whatever the file is called; the layout keeps
      // the placeholder's path (the command line names it so).
      const target = onto === undefined ? undefined : placeholderPath(layout, onto);
      if (target !== undefined && refs.length === 1)
        return [{ type: "setBlobFile", id: onto!, file: { ...refs[0]!, path: target } } satisfies Edit];
      const fresh: FileRef[] = [];
      for (const ref of refs) {
        const placeholder = layout.modules.find((m) => {
          const f = m.kernel ?? m.initrd;
          return f && f.size === undefined && f.path.split("/").pop() === ref.path;
        });
        const loader = layout.loaders.find(
          (l) => l.file.size === undefined && l.file.path.split("/").pop() === ref.path,
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
          layout.kernel.path.split("/").pop() === ref.path
        )
          edits.push({ type: "setKernel", kernel: { ...ref, path: layout.kernel.path } });
        else if (
          layout.initrd &&
          layout.initrd.size === undefined &&
          layout.initrd.path.split("/").pop() === ref.path
        )
          edits.push({ type: "setInitrd", initrd: { ...ref, path: layout.initrd.path } });
        else if (layout.dtb && layout.dtb.size === undefined && layout.dtb.path.split("/").pop() === ref.path)
          edits.push({ type: "setDtb", dtb: { ...ref, path: layout.dtb.path } });
        else fresh.push(ref);
      }
      const modules = placeNewBlobs(layout, fresh, at);
      return [...edits, ...modules.map((module): Edit => ({ type: "addBlob", module }))];
    },
    onSuccess: (edits) => {
      const { dispatch, selected } = useGuestmap.getState();
      // Files dropped together are one undo step.
      dispatch({ type: "batch", edits });
      const last = edits[edits.length - 1];
      if (last?.type === "addBlob") selected(last.module.id);
      else if (last?.type === "setBlobFile") selected(last.id);
    },
    onError: (e) =>
      useGuestmap
        .getState()
        .noticed({ kind: "error", text: `Could not read the file: ${(e as Error).message}` }),
  });
}

/** The path of blob `id` when it is a placeholder (a file of unknown size). */
function placeholderPath(layout: Layout, id: string): string | undefined {
  const m = layout.modules.find((x) => x.id === id);
  const f = m ? (m.kernel ?? m.initrd) : layout.loaders.find((l) => l.id === id)?.file;
  return f && f.size === undefined ? f.path : undefined;
}
