/**
 * The app's lazily loaded parsers of outside input, each one `import()` away, precached by the
 * service worker. Kept apart from after-map.ts (which brings React and the store's machinery):
 * the workers import these too.
 */
export const loadLayoutParser = () => import("./layout-parser");
export const loadUnpacker = () => import("./unpacker");
