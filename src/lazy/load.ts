/**
 * The app's lazily loaded parts, each one `import()` away. What the first paint needs (the map,
 * check, the panels) is in the first chunk; parsers of outside input, exports, imports and
 * "Verify in QEMU" come in their own chunks when first used, precached by the service worker.
 */
export const loadLayoutParser = () => import("./layout-parser");
export const loadUnpacker = () => import("./unpacker");
