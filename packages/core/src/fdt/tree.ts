/**
 * The device tree as plain, immutable data, and pure lookups over it. Names are "binary"
 * strings: one char per byte of the DTB (U+0000–U+00FF), which is plain ASCII for every real
 * tree and lossless for any other.
 */
import { FdtError } from "./errors.js";

/** A property: its name and raw big-endian value bytes. Treat `value` as read-only. */
export interface FdtProperty {
  readonly name: string;
  readonly value: Uint8Array;
}

/** A node: unit name (`memory@40000000`; "" for the root), properties and subnodes in DTB order. */
export interface FdtNode {
  readonly name: string;
  readonly props: readonly FdtProperty[];
  readonly children: readonly FdtNode[];
}

/** One `/memreserve/` entry. */
export interface FdtReserveEntry {
  readonly address: bigint;
  readonly size: bigint;
}

/** A whole blob: header facts that survive a round trip, the reservation map and the tree. */
export interface Fdt {
  /** Version the blob was decoded from (16 or 17); the encoder always writes 17. */
  readonly version: number;
  /** `boot_cpuid_phys` from the header. */
  readonly bootCpuId: number;
  readonly memReserve: readonly FdtReserveEntry[];
  readonly root: FdtNode;
}

/** An empty tree: a root node without properties, version 17, no reservations. */
export function emptyFdt(): Fdt {
  return { version: 17, bootCpuId: 0, memReserve: [], root: { name: "", props: [], children: [] } };
}

/**
 * libfdt's node-name match (`fdt_nodename_eq_`): `wanted` equals `name`, or `wanted` has no unit
 * address and `name` is `wanted@<anything>` — so "memory" finds "memory@40000000".
 */
export function nodeNameMatches(name: string, wanted: string): boolean {
  if (name === wanted) return true;
  return (
    !wanted.includes("@") &&
    name.length > wanted.length &&
    name.startsWith(wanted) &&
    name[wanted.length] === "@"
  );
}

/** The first child of `node` that {@link nodeNameMatches} `name`, with its index. */
export function findChild(node: FdtNode, name: string): { node: FdtNode; index: number } | undefined {
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (nodeNameMatches(c.name, name)) return { node: c, index: i };
  }
  return undefined;
}

/**
 * Split an absolute path into components the way `fdt_path_offset` walks it: repeated slashes
 * are skipped, so "/" and "//" are the root.
 *
 * @throws FdtError BADPATH if `path` does not start with '/' (aliases are not resolved)
 */
export function pathComponents(path: string): string[] {
  if (!path.startsWith("/")) {
    throw new FdtError(
      "BADPATH",
      `node path '${path}' is not absolute; write it from the root, e.g. '/chosen'`,
    );
  }
  return path.split("/").filter((c) => c !== "");
}

/**
 * The node at `path` (libfdt matching, see {@link nodeNameMatches}), or undefined.
 *
 * @throws FdtError BADPATH for a relative path
 */
export function findNode(fdtOrRoot: Fdt | FdtNode, path: string): FdtNode | undefined {
  let node: FdtNode = "root" in fdtOrRoot ? fdtOrRoot.root : fdtOrRoot;
  for (const name of pathComponents(path)) {
    const next = findChild(node, name);
    if (!next) return undefined;
    node = next.node;
  }
  return node;
}

/** The property `name` of `node` (exact match), or undefined. */
export function getProp(node: FdtNode, name: string): FdtProperty | undefined {
  return node.props.find((p) => p.name === name);
}

/** The value of property `name` of the node at `path`, or undefined if either is missing. */
export function getPropValue(fdtOrRoot: Fdt | FdtNode, path: string, name: string): Uint8Array | undefined {
  const node = findNode(fdtOrRoot, path);
  return node ? getProp(node, name)?.value : undefined;
}
