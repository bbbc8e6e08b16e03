/**
 * The DTB decoding that io/dtb-off-thread.ts runs in place where there are no workers (Node, the
 * app's conformance tests). Imported only with `import()`: `import("@guestmap/core")` would make
 * the whole core one dynamic entry, and the bundler then shared much of it with the first paint.
 */
export { chosenPartOfDtb, FDT_PROBE_SIZE, fdtClaimedSize } from "@guestmap/core";
