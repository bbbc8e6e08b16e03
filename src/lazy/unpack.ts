/**
 * The core's streaming inflater, imported only with `await import()` (io/file-store.ts): it
 * brings fflate, which only compressed kernels need.
 */
export { unpackStream } from "@guestmap/core";
