/**
 * DTB bytes → {@link Fdt}: the tree built from one {@link walkFdt} pass.
 */
import { FdtError } from "./errors.js";
import { ByteReader } from "./reader.js";
import type { Fdt, FdtNode, FdtProperty, FdtReserveEntry } from "./tree.js";
import { walkFdt } from "./walk.js";

interface OpenNode {
  readonly name: string;
  readonly props: FdtProperty[];
  readonly children: FdtNode[];
}

/**
 * Decode a flattened device tree (versions 16 and 17; NOPs are skipped). Properties that follow
 * subnodes are accepted, as libfdt and dtc do, and kept with their node's other properties.
 * Bytes after FDT_END and between blocks are ignored.
 *
 * @throws FdtError — and nothing else — TRUNCATED, BADMAGIC, BADVERSION, ALIGNMENT,
 *   BADLAYOUT, BADOFFSET, BADSTRUCTURE, TOODEEP; `offset` points into `bytes`.
 */
export function decodeFdt(bytes: Uint8Array): Fdt {
  try {
    return decode(bytes);
  } catch (e) {
    if (e instanceof FdtError) throw e;
    throw new FdtError("INTERNAL", `unexpected ${String(e)}; please report this DTB`, 0);
  }
}

function decode(bytes: Uint8Array): Fdt {
  const r = new ByteReader(bytes);
  const memReserve: FdtReserveEntry[] = [];
  const stack: OpenNode[] = [];
  // Property names by string-block offset, each converted once.
  const names = new Map<number, string>();
  let root: FdtNode | undefined;
  const h = walkFdt(bytes, {
    reserve: (address, size) => memReserve.push({ address, size }),
    begin: (start, end) => stack.push({ name: r.latin1(start, end, "a node name"), props: [], children: [] }),
    prop: (nameoff, nameStart, nameEnd, valueStart, valueEnd) => {
      let name = names.get(nameoff);
      if (name === undefined) {
        name = r.latin1(nameStart, nameEnd, "a property name");
        names.set(nameoff, name);
      }
      // A copy: decoded trees must not alias the caller's buffer.
      stack[stack.length - 1]!.props.push({ name, value: bytes.slice(valueStart, valueEnd) });
    },
    end: () => {
      const node = stack.pop()!;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else root = node;
    },
  });
  return { version: h.version, bootCpuId: h.bootCpuidPhys, memReserve, root: root! };
}
