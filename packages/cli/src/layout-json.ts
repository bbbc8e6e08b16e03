/**
 * The layout-file parser on its own, for `await import()`: it carries zod, whose schemas cost
 * more to build at start-up than the rest of `guestmap check -- ARGV` together, and a command
 * given a QEMU command line never reads a layout file.
 */
export { LayoutFileError, parseLayoutJson } from "@guestmap/core";
