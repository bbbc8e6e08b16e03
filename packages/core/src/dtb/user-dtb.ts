/**
 * A user's `-dtb`: what its own /chosen already says (Xen bootargs, dom0less domains, module
 * nodes) and the /chosen that results once QEMU has made its edits on it. QEMU loads the file,
 * then on ARM sets only `bootargs` (from -append) and `linux,initrd-*` (guest-loader nodes are
 * lost: the device wrote them into the machine's FDT, which -dtb replaced); RISC-V keeps them.
 */
import { decodeFdt } from "../fdt/decode.js";
import { applyFdtEdit, applyFdtEdits } from "../fdt/edit.js";
import { encodeFdt } from "../fdt/encode.js";
import { FdtError, hex } from "../fdt/errors.js";
import { type Fdt, type FdtNode, findNode, getProp } from "../fdt/tree.js";
import { readCells, readStringList, readU32 } from "../fdt/values.js";
import type { Layout } from "../model/types.js";
import type { QemuProfile } from "../qemu/profiles.js";
import { type ChosenOptions, chosenEdits } from "./chosen.js";
import { standaloneFdt } from "./standalone.js";

/** A DTB's limit for being padded out from its head (QEMU's own are 1 MiB). */
const MAX_PADDED = 16 << 20;

/**
 * Decodes a DTB from its first bytes when the file is larger than what was read (a `LayoutBlob.head`):
 * QEMU's dumped DTBs are 1 MiB of which a few KiB are used, and the blocks all sit in the head.
 *
 * `fileSize` (the whole file's) tells a head of a bigger file from a file that is cut short.
 *
 * @throws FdtError as decodeFdt; TRUNCATED when a block lies beyond the bytes given
 */
export function decodeDtbHead(head: Uint8Array, fileSize?: bigint): Fdt {
  if (head.length >= 40) {
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const total = dv.getUint32(4);
    const blocksEnd = Math.max(
      dv.getUint32(8) + dv.getUint32(36),
      dv.getUint32(12) + dv.getUint32(32),
      dv.getUint32(16) + 16,
    );
    if (total > head.length && total <= MAX_PADDED && blocksEnd <= head.length) {
      const padded = new Uint8Array(total);
      padded.set(head);
      return decodeFdt(padded);
    }
    // A head of a bigger tree (the app keeps a file's first 64 KiB): the file is whole, only the
    // bytes given are not, so say that rather than decodeFdt's "the file is cut short".
    if (
      fileSize !== undefined &&
      fileSize > BigInt(head.length) &&
      dv.getUint32(0) === 0xd00dfeed &&
      total > head.length &&
      blocksEnd > head.length &&
      blocksEnd <= total
    )
      throw new FdtError(
        "TRUNCATED",
        `only the first ${hex(head.length)} bytes of this ${hex(total)}-byte DTB were read (the head kept of each file) and its blocks run to ${hex(blocksEnd)}, so its /chosen cannot be read here; \`guestmap chosen\` reads the whole file`,
        4,
      );
  }
  return decodeFdt(head);
}

/**
 * The part of a DTB that QEMU's `-dtb` edits and guestmap reads — the root's `#address-cells` and
 * `#size-cells` and the whole /chosen — as a DTB of its own. An adapter that keeps only a file's
 * first bytes gives this as the head of a `-dtb` whose tree runs past them
 * ({@link dtbRunsPastHead}): decodeDtbHead, chosenFdt and the dtb-module-stale rule answer from it
 * as from the whole file. QEMU (7.2, 10.0.2) rewrites /memory from `-m` in any -dtb, with or
 * without a memory node, so nothing else of the tree bears on what guestmap checks.
 *
 * @throws FdtError a malformed DTB (the whole tree is decoded, as QEMU's libfdt would walk it)
 */
export function chosenPartOfDtb(bytes: Uint8Array): Uint8Array {
  const fdt = decodeFdt(bytes);
  const chosen = findNode(fdt, "/chosen");
  const keep = ["#address-cells", "#size-cells"];
  return encodeFdt({
    ...fdt,
    memReserve: [],
    root: {
      name: "",
      props: fdt.root.props.filter((p) => keep.includes(p.name)),
      children: chosen ? [chosen] : [],
    },
  });
}

/** One `multiboot,module` node anywhere under /chosen (dom0's, or a dom0less domain's). */
export interface DtbModule {
  /** Its path, e.g. `/chosen/domU1/module@4a000000`. */
  readonly path: string;
  readonly addr: bigint;
  readonly size: bigint;
  readonly compatible: readonly string[];
}

function cellsOf(node: FdtNode, name: string): number | undefined {
  const p = getProp(node, name);
  return p && p.value.length === 4 ? readU32(p.value) : undefined;
}

/**
 * Every module node under /chosen with a readable `reg`, each read with its parent's
 * `#address-cells`/`#size-cells` (dom0less domains set their own), QEMU's 2+2 for a 16-byte reg.
 */
export function dtbModules(fdt: Fdt): DtbModule[] {
  const chosen = findNode(fdt, "/chosen");
  if (!chosen) return [];
  const out: DtbModule[] = [];
  const walk = (node: FdtNode, path: string, ac: number, sc: number) => {
    const myAc = cellsOf(node, "#address-cells") ?? ac;
    const mySc = cellsOf(node, "#size-cells") ?? sc;
    for (const child of node.children) {
      const childPath = `${path}/${child.name}`;
      const compat = readStringList(getProp(child, "compatible")?.value ?? new Uint8Array());
      const reg = getProp(child, "reg")?.value;
      if (compat.includes("multiboot,module") && reg) {
        let [a, s] = [myAc, mySc];
        if (reg.length === 16 && a + s !== 4) [a, s] = [2, 2];
        if (a >= 1 && a <= 2 && s >= 1 && s <= 2 && reg.length >= 4 * (a + s)) {
          const addr = readCells(reg.subarray(0, 4 * a), a)[0]!;
          const size = readCells(reg.subarray(4 * a, 4 * (a + s)), s)[0]!;
          out.push({ path: childPath, addr, size, compatible: compat });
        }
      }
      walk(child, childPath, myAc, mySc);
    }
  };
  walk(chosen, "/chosen", cellsOf(fdt.root, "#address-cells") ?? 2, cellsOf(fdt.root, "#size-cells") ?? 1);
  return out;
}

/**
 * The /chosen QEMU ends up with when it boots `layout` with this `-dtb`: the user's whole /chosen
 * (every property and subnode) with QEMU's edits applied, as a standalone tree (the root's cell
 * sizes and /chosen). Measured with `-machine dumpdtb=` on 7.2 and 10.0.2.
 *
 * @throws FdtError (a malformed DTB; EXISTS for a guest-loader node the DTB has already, as
 *   QEMU's FDT_ERR_EXISTS), DtbError (as chosenEdits: qemu-refuses, size-unknown)
 */
export function resultingChosenFdt(
  layout: Layout,
  profile: QemuProfile,
  dtb: Uint8Array,
  opts: ChosenOptions = {},
): Fdt {
  const user = decodeDtbHead(dtb, layout.dtb?.size);
  const acells = getProp(user.root, "#address-cells");
  const addressCells = acells && acells.value.length === 4 ? readU32(acells.value) : 2;
  // QEMU edits the user's tree with plain libfdt calls: each new property goes first in /chosen.
  let merged = findNode(user, "/chosen")
    ? user
    : applyFdtEdit(user, { type: "addSubnode", path: "/", name: "chosen" });
  merged = applyFdtEdits(merged, chosenEdits(layout, profile, { ...opts, addressCells }));
  const chosen = findNode(merged, "/chosen");
  if (!chosen) throw new FdtError("INTERNAL", "applyChosen left no /chosen", 0);
  const keep = ["#address-cells", "#size-cells"];
  return {
    ...merged,
    root: {
      name: "",
      props: merged.root.props.filter((p) => keep.includes(p.name)),
      children: [chosen],
    },
  };
}

/**
 * The /chosen to show for a layout, as both front-ends print it: with a `-dtb` whose bytes are
 * known (`dtb`, else the blob's head), the user's whole /chosen with QEMU's edits
 * ({@link resultingChosenFdt}); otherwise the standalone tree of QEMU's own /chosen.
 *
 * @throws as resultingChosenFdt / standaloneFdt
 */
export function chosenFdt(
  layout: Layout,
  profile: QemuProfile,
  opts: ChosenOptions & { readonly dtb?: Uint8Array } = {},
): Fdt {
  const bytes = opts.dtb ?? layout.dtb?.head;
  return layout.dtb && bytes
    ? resultingChosenFdt(layout, profile, bytes, opts)
    : standaloneFdt(layout, profile, opts);
}
