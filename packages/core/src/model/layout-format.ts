/** The layout file's name, version and size limits, shared by its parser and its writer. */
export const LAYOUT_FORMAT = "guestmap-layout";
export const LAYOUT_VERSION = 1;

/**
 * Most guest-loader modules plus generic loaders a layout may hold. Xen reads 30 modules; a layout
 * of 100k (from a hostile link) would make every check and render crawl, so it is refused up front.
 */
export const MAX_LAYOUT_BLOBS = 1024;
/**
 * The bound for a layout file the user hands the CLI themselves (`parseLayoutJson`'s `maxBlobs`):
 * not a link from someone else, and checked and exported in n log n — 100k modules in about 2 s
 * (bench/cli-scale.bench.ts). Generated test and stress layouts reach these sizes.
 */
export const MAX_CLI_LAYOUT_BLOBS = 100_000;
/** Most verbatim extra argument groups a layout may hold. */
export const MAX_LAYOUT_EXTRA_ARGS = 4096;
