/**
 * The layout-file parser and share-link decoder, imported only with `await import()` (see
 * loadLayoutParser): they carry zod, ~90 KB the first paint of the app never needs.
 */
export { decodeShareLink, LayoutFileError, parseLayoutJson } from "@guestmap/core";
