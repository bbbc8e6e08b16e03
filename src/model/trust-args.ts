/**
 * The app's counterpart of `guestmap check --trust-args`: the user vouches for a layout's extra
 * QEMU arguments with a switch, and the core's `check(layout, { trustExtraArgs })` then reports
 * each `unsafe-option` as a note that still names the risk. Pure.
 *
 * The switch records the arguments it vouched for, not a bare flag: trust holds only while the
 * layout's arguments are exactly those. Anything else that changes them (opening a layout file,
 * pasting a command line, accepting a link's held-back arguments, another tab) leaves the new ones
 * untrusted until the switch is used again, so no link or file can arrive trusted.
 */
import type { Layout } from "@guestmap/core";

export type TrustedArgs = readonly (readonly string[])[];

/** Whether `trusted` (what the switch vouched for) covers the layout's extra arguments as they are. */
export function argsTrusted(layout: Layout, trusted: TrustedArgs | undefined): boolean {
  if (trusted === undefined) return false;
  const args = layout.extraArgs;
  if (args === trusted) return true;
  return (
    args.length === trusted.length &&
    args.every((g, i) => {
      const t = trusted[i]!;
      return g.length === t.length && g.every((a, j) => a === t[j]);
    })
  );
}
