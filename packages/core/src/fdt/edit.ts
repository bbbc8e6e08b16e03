/**
 * Edits with libfdt's (`fdt_rw.c`) ordering, because QEMU builds /chosen with libfdt and a tree
 * we build must come out in the order QEMU's would:
 *   - setting a NEW property puts it FIRST in its node (`fdt_add_property_` inserts right after
 *     FDT_BEGIN_NODE); setting an existing one replaces its value in place;
 *   - a new subnode goes after the parent's properties and BEFORE its existing subnodes
 *     (`fdt_add_subnode`), so nodes added one by one end up in reverse order;
 *   - adding a node whose name libfdt considers present fails with EXISTS — note that "module"
 *     is present when "module@1000" is (see nodeNameMatches).
 * Every edit is pure: it returns a new Fdt sharing all untouched nodes and values with the old
 * one, cheap enough for every frame of a drag. Values are stored, not copied: do not mutate them.
 */
import { FdtError } from "./errors.js";
import type { Fdt, FdtNode } from "./tree.js";
import { findChild, nodeNameMatches, pathComponents } from "./tree.js";

/** An edit as data, for undo stacks, logs and replay; see {@link applyFdtEdit}. */
export type FdtEdit =
  | { readonly type: "setProp"; readonly path: string; readonly name: string; readonly value: Uint8Array }
  | { readonly type: "delProp"; readonly path: string; readonly name: string }
  | { readonly type: "addSubnode"; readonly path: string; readonly name: string }
  | { readonly type: "delNode"; readonly path: string };

/** Apply one {@link FdtEdit}; throws what the matching function throws. */
export function applyFdtEdit(fdt: Fdt, edit: FdtEdit): Fdt {
  switch (edit.type) {
    case "setProp":
      return setProp(fdt, edit.path, edit.name, edit.value);
    case "delProp":
      return delProp(fdt, edit.path, edit.name);
    case "addSubnode":
      return addSubnode(fdt, edit.path, edit.name);
    case "delNode":
      return delNode(fdt, edit.path);
  }
}

/**
 * `fdt_setprop`: set property `name` of the node at `path` to `value`.
 *
 * @throws FdtError BADPATH, NOTFOUND (no such node), BADNAME (NUL or char above U+00FF)
 */
export function setProp(fdt: Fdt, path: string, name: string, value: Uint8Array): Fdt {
  checkName(name, "property", false);
  return update(fdt, path, (node) => {
    const i = node.props.findIndex((p) => p.name === name);
    const props =
      i < 0 ? [{ name, value }, ...node.props] : node.props.map((p, j) => (j === i ? { name, value } : p));
    return { ...node, props };
  });
}

/**
 * `fdt_delprop`: remove property `name` from the node at `path`.
 *
 * @throws FdtError BADPATH, NOTFOUND (no such node or property)
 */
export function delProp(fdt: Fdt, path: string, name: string): Fdt {
  return update(fdt, path, (node) => {
    const i = node.props.findIndex((p) => p.name === name);
    if (i < 0) throw new FdtError("NOTFOUND", `node '${path}' has no property '${name}'`);
    return { ...node, props: node.props.filter((_, j) => j !== i) };
  });
}

/**
 * `fdt_add_subnode`: add an empty node `name` under the node at `parentPath`, first among its
 * subnodes.
 *
 * @throws FdtError BADPATH, NOTFOUND (no parent), BADNAME (empty, '/', NUL or char above
 *   U+00FF), EXISTS (a subnode libfdt would match by that name exists)
 */
export function addSubnode(fdt: Fdt, parentPath: string, name: string): Fdt {
  checkName(name, "node", true);
  return update(fdt, parentPath, (node) => {
    const clash = node.children.find((c) => nodeNameMatches(c.name, name));
    if (clash) {
      throw new FdtError(
        "EXISTS",
        `'${parentPath}' already has a subnode '${clash.name}' matching '${name}'; pick another name or unit address`,
      );
    }
    return { ...node, children: [{ name, props: [], children: [] }, ...node.children] };
  });
}

/**
 * `fdt_del_node`: remove the node at `path` with its subtree.
 *
 * @throws FdtError BADPATH (relative, or the root), NOTFOUND
 */
export function delNode(fdt: Fdt, path: string): Fdt {
  const parts = pathComponents(path);
  const last = parts.pop();
  if (last === undefined) throw new FdtError("BADPATH", "the root node cannot be deleted");
  return update(fdt, `/${parts.join("/")}`, (parent) => {
    const hit = findChild(parent, last);
    if (!hit) throw new FdtError("NOTFOUND", `no node '${path}'`);
    return { ...parent, children: parent.children.filter((_, j) => j !== hit.index) };
  });
}

/** Replace the node at `path` by `fn(node)`, copying only the nodes on the way down. */
function update(fdt: Fdt, path: string, fn: (node: FdtNode) => FdtNode): Fdt {
  const parts = pathComponents(path);
  const rec = (node: FdtNode, depth: number): FdtNode => {
    const name = parts[depth];
    if (name === undefined) return fn(node);
    const hit = findChild(node, name);
    if (!hit)
      throw new FdtError(
        "NOTFOUND",
        `no node '${path}': '${name}' not found under '/${parts.slice(0, depth).join("/")}'`,
      );
    const child = rec(hit.node, depth + 1);
    return { ...node, children: node.children.map((c, j) => (j === hit.index ? child : c)) };
  };
  return { ...fdt, root: rec(fdt.root, 0) };
}

function checkName(name: string, kind: string, isNode: boolean): void {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0 || c > 0xff || (isNode && c === 0x2f)) {
      throw new FdtError("BADNAME", `${kind} name '${name}' has a forbidden character at index ${i}`);
    }
  }
  if (isNode && name === "") throw new FdtError("BADNAME", "a subnode needs a non-empty name");
}
