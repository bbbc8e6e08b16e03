/**
 * The page's one react-query client. Only code loaded after the map's first paint imports it (the
 * panels, menus and the files mutation): react-query is not in the first chunk.
 */
import { QueryClient } from "@tanstack/react-query";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: Number.POSITIVE_INFINITY, retry: false },
    mutations: { retry: false },
  },
});
