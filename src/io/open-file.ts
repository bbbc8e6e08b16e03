import type { LayoutBlob } from "@guestmap/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useGuestmap } from "../store/store";
import { storeFile } from "./file-store";

/** Reads one opened file into a layout blob (keeping its bytes), then hands it to `then`. */
export function useOpenFileRef(then: (ref: LayoutBlob) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => storeFile(file),
    onSuccess: ({ ref, notKept }) => {
      // "Not in this browser" was remembered for this digest: it is here now.
      void client.invalidateQueries({ queryKey: ["file", ref.sha256] });
      then(ref);
      if (notKept)
        useGuestmap.getState().noticed({
          kind: "error",
          text: `Could not keep ${ref.path} in this browser's storage (${notKept}): it works in this tab, but after a reload you will have to open it again.`,
        });
    },
    onError: (e) =>
      useGuestmap
        .getState()
        .noticed({ kind: "error", text: `Could not read the file: ${(e as Error).message}` }),
  });
}
