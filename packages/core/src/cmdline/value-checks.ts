/**
 * What QEMU's command line cannot carry, one check per kind of value. The exporter refuses a
 * layout holding such a value (an `ExportIssue`), and the app's fields refuse it as it is typed:
 * one rule and one wording for both. Each returns why the value cannot be used, or undefined.
 */
import { U64_MAX } from "../util/bigint.js";
import { formatRamSize, RAM_ALIGN } from "./numbers.js";

/** Text for one argument: anything but NUL, which no argv element can carry. */
export function nulProblem(text: string): string | undefined {
  const at = text.indexOf("\0");
  return at < 0
    ? undefined
    : `a NUL character (at position ${at}) cannot be passed on a command line; remove it`;
}

/** An address or size: QEMU's are 64-bit. */
export function u64Problem(v: bigint): string | undefined {
  return v < 0n || v > U64_MAX
    ? `${v < 0n ? v : `0x${v.toString(16)}`} is outside 0 … 0xffffffffffffffff; QEMU addresses and sizes are 64-bit`
    : undefined;
}

/** `-m`: what QEMU takes exactly (a non-zero multiple of 8 KiB; QEMU rounds anything else). */
export function ramProblem(ram: bigint): string | undefined {
  if (formatRamSize(ram) !== undefined) return undefined;
  const u64 = u64Problem(ram);
  if (u64) return u64;
  const up = ((ram + RAM_ALIGN - 1n) / RAM_ALIGN) * RAM_ALIGN || RAM_ALIGN;
  return `QEMU rounds -m up to 8 KiB and reads 0 as its 128 MiB default; use a multiple of 8 KiB such as ${up}`;
}

/** A typed file size (a placeholder's): at least one byte. */
export function fileSizeProblem(size: bigint): string | undefined {
  return size === 0n ? "a blob of 0 bytes loads nothing; type the file's size" : u64Problem(size);
}

/** An `-M` property key: non-empty, without `,` or `=`, and not `type` (the machine itself). */
export function propertyKeyProblem(key: string): string | undefined {
  if (key.trim() === "") return "a property has no name; write name=value, e.g. virtualization=on";
  if (key === "type") return "the machine type is not a property here (guestmap models virt)";
  if (key.includes(",") || key.includes("="))
    return `property name '${key}' cannot hold ',' or '='; QEMU would split it`;
  return undefined;
}
