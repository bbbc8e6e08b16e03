/**
 * QEMU's QemuOpts syntax for `-device`/`-M`/`-m` values (QEMU 7.2 util/qemu-option.c), with the
 * character position of every property so diagnostics can point into the value.
 *
 * `key=value` elements are separated by `,`; in a value, `,,` is a literal comma and `=` is
 * ordinary. A key stops at the first `=` or `,`. An element without `=` is, as the first element,
 * the value of the implied key (`driver` for -device, `type` for -M, `size` for -m) — with `,,`
 * escapes — and anywhere else a deprecated boolean flag: `foo` means `foo=on`, `nofoo` `foo=off`.
 * A trailing comma is ignored. Verified against QEMU 7.2.
 */

/** One parsed property. Offsets are UTF-16 indexes into the parsed text. */
export interface QemuOptsProp {
  readonly key: string;
  readonly value: string;
  /** Where the element starts (its key, or its value for an implied key). */
  readonly offset: number;
  /** Where the value starts in the text (for a flag: the element's start). */
  readonly valueOffset: number;
  /** How it was written: `key=value`, implied first value, or a bare `flag`/`noflag`. */
  readonly form: "pair" | "implied" | "flag";
}

/** Reads a value up to an unescaped comma; returns the value and the index after it. */
function readValue(text: string, start: number): [string, number] {
  let v = "";
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ",") {
      if (text[i + 1] !== ",") break;
      v += ",";
      i += 2;
      continue;
    }
    v += c;
    i++;
  }
  return [v, i];
}

/** Parses a QemuOpts value; never throws. `impliedKey` names an element given without `key=`. */
export function parseQemuOpts(text: string, impliedKey?: string): QemuOptsProp[] {
  const props: QemuOptsProp[] = [];
  let i = 0;
  let first = true;
  while (i < text.length) {
    const start = i;
    let len = 0;
    while (start + len < text.length && text[start + len] !== "=" && text[start + len] !== ",") len++;
    if (text[start + len] !== "=") {
      if (first && impliedKey !== undefined) {
        const [v, end] = readValue(text, start);
        props.push({ key: impliedKey, value: v, offset: start, valueOffset: start, form: "implied" });
        i = end;
      } else {
        const name = text.slice(start, start + len);
        i = start + len;
        if (name.startsWith("no"))
          props.push({ key: name.slice(2), value: "off", offset: start, valueOffset: start, form: "flag" });
        else props.push({ key: name, value: "on", offset: start, valueOffset: start, form: "flag" });
      }
    } else {
      const key = text.slice(start, start + len);
      const [v, end] = readValue(text, start + len + 1);
      props.push({ key, value: v, offset: start, valueOffset: start + len + 1, form: "pair" });
      i = end;
    }
    first = false;
    if (text[i] === ",") i++;
  }
  return props;
}

/** A value with each `,` doubled, as QemuOpts needs. */
export function escapeQemuOptsValue(value: string): string {
  return value.replace(/,/g, ",,");
}

/**
 * Formats properties as a QemuOpts value. With `implied`, that key's value is written first
 * without `key=` — unless it contains `=` (it would then be read as a key), in which case it is
 * written as `key=value` like any other. Keys must not contain `,` or `=`; callers check this.
 */
export function formatQemuOpts(props: readonly (readonly [string, string])[], implied?: string): string {
  const parts: string[] = [];
  let rest = props;
  const head = props[0];
  if (implied !== undefined && head && head[0] === implied && !head[1].includes("=") && head[1] !== "") {
    parts.push(escapeQemuOptsValue(head[1]));
    rest = props.slice(1);
  }
  for (const [k, v] of rest) parts.push(`${k}=${escapeQemuOptsValue(v)}`);
  return parts.join(",");
}
