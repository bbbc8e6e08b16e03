import { useMutation } from "@tanstack/react-query";
import { placeNewBlobs } from "../model/blob-rules";
import { useGuestmap } from "../store/store";
import { fileRef, saveFile } from "./file-store";

/**
 * Dropped or opened files become guest-loader blobs: read their heads and keep their bytes
 * (react-query owns the async work), then one `addBlob` per file.
 */
export function useAddFiles() {
  return useMutation({
    mutationFn: async ({ files, at }: { files: readonly File[]; at?: bigint }) => {
      const refs = await Promise.all(
        files.map(async (f) => {
          await saveFile(f);
          return fileRef(f);
        }),
      );
      return placeNewBlobs(useGuestmap.getState().layout, refs, at);
    },
    onSuccess: (modules) => {
      const { dispatch, selected } = useGuestmap.getState();
      for (const module of modules) dispatch({ type: "addBlob", module });
      const last = modules[modules.length - 1];
      if (last) selected(last.id);
    },
    onError: (e) =>
      useGuestmap
        .getState()
        .noticed({ kind: "error", text: `Could not read the file: ${(e as Error).message}` }),
  });
}
