import { type QueryClient, useQuery } from "@tanstack/react-query";

/** The DTB the user opened as a base for merged exports (react-query holds it; it is not layout state). */
export interface BaseDtb {
  readonly name: string;
  /**
   * Its bytes (checked to decode when opened). Kept as bytes, not as the decoded tree: the tree
   * lives only in the DTB worker, which decodes it again for each merged export.
   */
  readonly bytes: Uint8Array;
}

const KEY = ["base-dtb"] as const;

export function useBaseDtb(): BaseDtb | null {
  return (
    useQuery<BaseDtb | null>({ queryKey: KEY, queryFn: () => null, staleTime: Number.POSITIVE_INFINITY })
      .data ?? null
  );
}

export function setBaseDtb(client: QueryClient, dtb: BaseDtb | null): void {
  client.setQueryData(KEY, dtb);
}
