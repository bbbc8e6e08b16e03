/** The layout file's name, version and size limits, shared by its parser and its writer. */
export const LAYOUT_FORMAT = "guestmap-layout";
export const LAYOUT_VERSION = 1;

/**
 * Most guest-loader modules plus generic loaders a layout may hold. Xen reads 30 modules; a layout
 * of 100k (from a hostile link) would make every check and render crawl, so it is refused up front.
 */
export const MAX_LAYOUT_BLOBS = 1024;
/** Most verbatim extra argument groups a layout may hold. */
export const MAX_LAYOUT_EXTRA_ARGS = 4096;
