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
import type { Fdt, FdtNode, FdtProperty } from "./tree.js";
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
    if (clash) throw subnodeExists(parentPath, clash.name, name);
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

/** libfdt's FDT_ERR_EXISTS from addSubnode: `parent` already has `existing`, which matches `name`. */
export function subnodeExists(parent: string, existing: string, name: string): FdtError {
  return new FdtError(
    "EXISTS",
    `'${parent}' already has a subnode '${existing}' matching '${name}'; pick another name or unit address`,
  );
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

/**
 * A node being edited by {@link applyFdtEdits}: its own copies of the property and child lists.
 * Children are `front` (prepended by addSubnode, newest last) then `back` (the node's original
 * children, in order), so a prepend is a push; `first` and `firstBase` index the first child in
 * that order with each exact name and each name before '@' (libfdt's two ways to match a name),
 * rebuilt only after a deletion.
 */
interface Draft {
  readonly name: string;
  props: FdtProperty[];
  front: (FdtNode | Draft)[];
  back: (FdtNode | Draft)[];
  first?: Map<string, number>;
  firstBase?: Map<string, number>;
}

const isDraft = (n: FdtNode | Draft): n is Draft => "front" in n;

function draftOf(n: FdtNode | Draft): Draft {
  return isDraft(n) ? n : { name: n.name, props: [...n.props], front: [], back: [...n.children] };
}

/** A child's position: `front[i]` is -(i + 1) (stable while front only grows), `back[i]` is i. */
function childAt(d: Draft, at: number): FdtNode | Draft {
  return at < 0 ? d.front[-at - 1]! : d.back[at]!;
}

function setChildAt(d: Draft, at: number, c: FdtNode | Draft): void {
  if (at < 0) d.front[-at - 1] = c;
  else d.back[at] = c;
}

function baseName(name: string): string {
  const at = name.indexOf("@");
  return at < 0 ? name : name.slice(0, at);
}

function indexDraft(d: Draft): void {
  if (d.first && d.firstBase) return;
  const first = new Map<string, number>();
  const firstBase = new Map<string, number>();
  // Logical order: front newest first, then back.
  const note = (name: string, at: number) => {
    if (!first.has(name)) first.set(name, at);
    const b = baseName(name);
    if (!firstBase.has(b)) firstBase.set(b, at);
  };
  for (let i = d.front.length - 1; i >= 0; i--) note(d.front[i]!.name, -(i + 1));
  for (let i = 0; i < d.back.length; i++) note(d.back[i]!.name, i);
  d.first = first;
  d.firstBase = firstBase;
}

/** {@link findChild} on a draft: the first child libfdt would match by `name`. */
function findDraftChild(d: Draft, name: string): number | undefined {
  indexDraft(d);
  return name.includes("@") ? d.first!.get(name) : d.firstBase!.get(name);
}

/**
 * Applies `edits` in order, exactly as repeated {@link applyFdtEdit} would — same result, same
 * errors — but in time linear in the edits and the nodes they touch: a layout's 100k module nodes
 * are added to /chosen without copying /chosen's children once per node. Nodes the edits do not
 * touch are shared with `fdt`.
 */
export function applyFdtEdits(fdt: Fdt, edits: readonly FdtEdit[]): Fdt {
  if (edits.length === 0) return fdt;
  const root = draftOf(fdt.root);
  /** The draft at `path`, making every node on the way a draft; NOTFOUND as update() words it. */
  const at = (path: string): Draft => {
    const parts = pathComponents(path);
    let d = root;
    for (let depth = 0; depth < parts.length; depth++) {
      const name = parts[depth]!;
      const i = findDraftChild(d, name);
      if (i === undefined)
        throw new FdtError(
          "NOTFOUND",
          `no node '${path}': '${name}' not found under '/${parts.slice(0, depth).join("/")}'`,
        );
      const c = childAt(d, i);
      const next = draftOf(c);
      if (next !== c) setChildAt(d, i, next);
      d = next;
    }
    return d;
  };
  for (const e of edits) {
    switch (e.type) {
      case "setProp": {
        checkName(e.name, "property", false);
        const d = at(e.path);
        const i = d.props.findIndex((p) => p.name === e.name);
        if (i < 0) d.props.unshift({ name: e.name, value: e.value });
        else d.props[i] = { name: e.name, value: e.value };
        break;
      }
      case "delProp": {
        const d = at(e.path);
        const i = d.props.findIndex((p) => p.name === e.name);
        if (i < 0) throw new FdtError("NOTFOUND", `node '${e.path}' has no property '${e.name}'`);
        d.props.splice(i, 1);
        break;
      }
      case "addSubnode": {
        checkName(e.name, "node", true);
        const d = at(e.path);
        // libfdt's clash: a child that nodeNameMatches(child, name).
        const clash = findDraftChild(d, e.name);
        if (clash !== undefined) throw subnodeExists(e.path, childAt(d, clash).name, e.name);
        d.front.push({ name: e.name, props: [], children: [] });
        // The new child is first in order: now the first of its name and of its base.
        const pos = -d.front.length;
        d.first!.set(e.name, pos);
        d.firstBase!.set(baseName(e.name), pos);
        break;
      }
      case "delNode": {
        const parts = pathComponents(e.path);
        const last = parts.pop();
        if (last === undefined) throw new FdtError("BADPATH", "the root node cannot be deleted");
        const d = at(`/${parts.join("/")}`);
        const i = findDraftChild(d, last);
        if (i === undefined) throw new FdtError("NOTFOUND", `no node '${e.path}'`);
        if (i < 0) d.front.splice(-i - 1, 1);
        else d.back.splice(i, 1);
        d.first = undefined;
        d.firstBase = undefined;
        break;
      }
    }
  }
  return { ...fdt, root: freeze(root) };
}

function freeze(n: FdtNode | Draft): FdtNode {
  if (!isDraft(n)) return n;
  const children: FdtNode[] = [];
  for (let i = n.front.length - 1; i >= 0; i--) children.push(freeze(n.front[i]!));
  for (const c of n.back) children.push(freeze(c));
  return { name: n.name, props: n.props, children };
}
