/**
 * The core's streaming inflater on its own, for `await import()` (blobs.ts): it brings fflate,
 * whose set-up costs every start of the CLI milliseconds, and only compressed kernels need it.
 */
export { unpackStream } from "@guestmap/core";
