/**
 * The core's inflater on its own, for `await import()`: only a compressed kernel (gzip, gzip
 * uImage, EFI zboot) needs it, so `check` of an ordinary command line never loads fflate.
 */
export { unpackStream } from "@guestmap/core";
