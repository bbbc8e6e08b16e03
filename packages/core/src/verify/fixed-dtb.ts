/**
 * Verifying a layout with Xen dom0less domains. guest-loader cannot write `/chosen/domU*`, so such
 * a layout runs only in the fixed-DTB form, as `export --fixed-dtb` writes it: QEMU boots a DTB
 * holding the whole /chosen (`-dtb`), and loads every blob — dom0's modules and each domain's
 * kernel, ramdisk and device tree — with `-device loader,force-raw=on`.
 *
 * The run has two steps: the runner dumps QEMU's own DTB of the plan's machine (`baseArgs`, no
 * blobs, `-append` or `-initrd`, with `-machine dumpdtb=`); {@link fixedDtbRun} merges the layout's
 * /chosen and domains into it (as small as it goes, as the export does) and gives the layout that
 * predicts the run: `-dtb` that file, each guest-loader blob a loader keeping its id.
 */
import { fixedDtbLayout } from "../cmdline/fixed-dtb-check.js";
import type { Layout } from "../model/types.js";
import { mergeIntoBase } from "../ops/dtb-merge.js";
import type { QemuProfile } from "../qemu/profiles.js";
import type { PlacementEnv } from "../qemu/region.js";

/** The DTB's file name in the run's folder (plan files are `f1`, `f2`, …, so it cannot clash). */
export const FIXED_DTB_NAME = "guestmap.dtb";

/** The layout whose command line dumps QEMU's own DTB of the same machine: no blobs, no /chosen input. */
export function fixedDtbBaseLayout(layout: Layout): Layout {
  const { append: _a, initrd: _i, domains: _d, loaderData: _ld, loaderPcs: _lp, ...rest } = layout;
  return { ...rest, modules: [], loaders: [], extraArgs: [] };
}

export interface FixedDtbRun {
  /** The DTB QEMU is given with `-dtb` ({@link FIXED_DTB_NAME}). */
  readonly dtb: Uint8Array;
  /** The layout the run's command line describes: predict (check) and compare with this one. */
  readonly layout: Layout;
}

/**
 * The DTB for the run and the layout that predicts it, from QEMU's own DTB of the machine.
 *
 * @param layout the verification plan's layout (files renamed)
 * @param base `-machine dumpdtb=` of the plan's `fixedDtb.baseArgs`
 * @throws FdtError a malformed base; DtbError qemu-refuses, size-unknown, module-exists (two
 *   blobs of the layout at one address)
 */
export function fixedDtbRun(
  layout: Layout,
  base: Uint8Array,
  profile: QemuProfile,
  env: PlacementEnv = {},
): FixedDtbRun {
  const { bytes } = mergeIntoBase(base, layout, profile, { pad: "none", env });
  return {
    dtb: bytes,
    layout: fixedDtbLayout(layout, { path: FIXED_DTB_NAME, size: BigInt(bytes.length), head: bytes }),
  };
}
