/**
 * The core's inflater (fflate), imported only with `await import()` (see loadUnpacker): only a
 * dropped compressed kernel (gzip, gzip uImage, EFI zboot) needs it.
 */
export { unpackStream } from "@guestmap/core";
