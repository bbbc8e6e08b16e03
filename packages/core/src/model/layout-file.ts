/**
 * The layout file: versioned JSON, validated on load with zod so that a bad file gets an error
 * naming the field and what was expected. Addresses and sizes are strings in JSON (`"0x42000000"`,
 * `"2G"`) because JSON numbers lose precision above 2^53.
 */
import { z } from "zod";
import type { Problem } from "../diagnostics.js";
import { isSupportedVersion, OLDEST_VERSION } from "../qemu/profiles.js";
import { base64Decode } from "../util/base64.js";
import { parseSize } from "../util/bigint.js";
import { LAYOUT_FORMAT, LAYOUT_VERSION, MAX_LAYOUT_BLOBS, MAX_LAYOUT_EXTRA_ARGS } from "./layout-format.js";
import { type ParsedBlob, type ParsedModule, parseModulesFast } from "./layout-modules.js";
import {
  ARCHES,
  type Bios,
  type GenericLoaderBlob,
  type GuestLoaderModule,
  type Layout,
  type LayoutBlob,
  type LoaderDataWrite,
  type LoaderPc,
  MiB,
  type QemuVersion,
} from "./types.js";

// Writing and the format's constants live apart from this parser, so that code that only saves
// layouts (the app's first paint) does not load zod.
export {
  LAYOUT_FORMAT,
  LAYOUT_VERSION,
  MAX_CLI_LAYOUT_BLOBS,
  MAX_LAYOUT_BLOBS,
  MAX_LAYOUT_EXTRA_ARGS,
} from "./layout-format.js";
export { serializeLayout } from "./layout-serialize.js";

// zod probes for eval support with `new Function("")` unless told not to: under the app's
// Content-Security-Policy (no 'unsafe-eval') that probe is a reported violation. The interpreted
// validators are fast enough for layout files.
z.config({ jitless: true });

const bigintText = (what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    if (typeof v === "number") {
      if (Number.isSafeInteger(v) && v >= 0) return BigInt(v);
      ctx.addIssue({
        code: "custom",
        message: `expected ${what} as a string like "0x42000000" (JSON numbers above 2^53 lose precision), got ${v}`,
      });
      return z.NEVER;
    }
    const parsed = parseSize(v);
    if (parsed === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `expected ${what} like "0x42000000", "1107296256" or "64M", got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return parsed;
  });

const base64 = z.string().transform((v, ctx) => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) {
    ctx.addIssue({ code: "custom", message: "expected base64 text (the file's first bytes)" });
    return z.NEVER;
  }
  return base64Decode(v);
});

const blobSchema = z.strictObject({
  path: z.string().min(1, "expected a file name"),
  size: bigintText("a size in bytes").optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "expected the file's SHA-256 as 64 lower-case hex digits")
    .optional(),
  head: base64.optional(),
});

const biosSchema = z.union([
  z.literal("default"),
  z.literal("explicit-default"),
  z.literal("none"),
  z.strictObject({ path: z.string().min(1), size: bigintText("a size").optional() }),
]);

const machineSchema = z.strictObject({
  arch: z.enum(ARCHES as [string, ...string[]]),
  type: z.string().min(1).default("virt"),
  props: z.record(z.string(), z.string()).default({}),
  ram: bigintText("a RAM size").default(128n * MiB),
  cpu: z.string().min(1).optional(),
  smp: z.string().min(1).optional(),
  bios: biosSchema.default("default"),
});

const moduleSchema = z.strictObject({
  id: z.string().min(1).optional(),
  addr: bigintText("an address").default(0n),
  kernel: blobSchema.optional(),
  initrd: blobSchema.optional(),
  bootargs: z.string().optional(),
});

const loaderSchema = z.strictObject({
  id: z.string().min(1).optional(),
  addr: bigintText("an address"),
  file: blobSchema,
  forceRaw: z.boolean().optional(),
  cpuNum: z.number().int().min(0).max(0xfffffffe).optional(),
  addrGiven: z.literal(false).optional(),
});

const loaderPcSchema = z.strictObject({
  id: z.string().min(1).optional(),
  addr: bigintText("an address"),
  cpuNum: z.number().int().min(0).max(0xfffffffe),
});

const loaderDataSchema = z.strictObject({
  id: z.string().min(1).optional(),
  addr: bigintText("an address"),
  data: bigintText("a value"),
  len: z.number().int().min(0).max(255),
  bigEndian: z.boolean().optional(),
  cpuNum: z.number().int().min(0).max(0xfffffffe).optional(),
});

const domainModuleSchema = z.strictObject({
  id: z.string().min(1).optional(),
  addr: bigintText("an address"),
  file: blobSchema,
});

/** A Xen dom0less domain (see XenDomain); `memory` in bytes like every size here, e.g. "128M". */
const domainSchema = z.strictObject({
  name: z.string().min(1),
  memory: bigintText("a memory size"),
  cpus: z.number().int().min(1).default(1),
  vpl011: z.boolean().default(false),
  bootargs: z.string().optional(),
  kernel: domainModuleSchema,
  ramdisk: domainModuleSchema.optional(),
  dtb: domainModuleSchema.optional(),
});

const layoutSchema = z.strictObject({
  format: z.literal(LAYOUT_FORMAT),
  version: z.literal(LAYOUT_VERSION),
  machine: machineSchema,
  qemu: z
    .string()
    .refine(isSupportedVersion, {
      message: `expected a QEMU version from ${OLDEST_VERSION} up, as qemu-system-* --version prints it (e.g. "7.2.22", "10.0")`,
    })
    .optional(),
  kernel: blobSchema.optional(),
  append: z.string().optional(),
  initrd: blobSchema.optional(),
  dtb: blobSchema.optional(),
  modules: z.array(moduleSchema).default([]),
  loaders: z.array(loaderSchema).default([]),
  loaderData: z.array(loaderDataSchema).optional(),
  loaderPcs: z.array(loaderPcSchema).optional(),
  extraArgs: z.array(z.array(z.string()).min(1)).default([]),
  domains: z.array(domainSchema).optional(),
});

/**
 * Layout file problems (all errors; the file is refused):
 * - `not-json`, `newer-version`: not a layout this guestmap reads.
 * - `bad-field`: a field of the wrong type or value (the schema's message says which).
 * - `nul-character`, `lone-surrogate`: a string no QEMU argument can carry.
 * - `too-deep`, `too-many-blobs`, `too-many-args`, `prototype-key`: refused before validation.
 * - `duplicate-id`: two modules or loaders with one id.
 * - `bad-link`: a share link that is not base64url UTF-8 text of a bounded size.
 */
export type LayoutFileIssueCode =
  | "not-json"
  | "newer-version"
  | "bad-field"
  | "nul-character"
  | "lone-surrogate"
  | "too-deep"
  | "too-many-blobs"
  | "too-many-args"
  | "prototype-key"
  | "duplicate-id"
  | "bad-link";

/** One problem in a layout file: where (a field path like `modules[1].addr`, "" for the whole file) and what. */
export interface LayoutFileIssue extends Problem<LayoutFileIssueCode> {
  readonly severity: "error";
  readonly where: string;
}

/** A layout file that cannot be used; `issues` name each bad field. */
export class LayoutFileError extends Error {
  readonly code = "layout-invalid";
  constructor(
    readonly issues: readonly LayoutFileIssue[],
    source = "layout",
  ) {
    super(
      `${source} is not a valid guestmap layout:\n${issues.map((i) => `  ${i.where || "(top level)"}: ${i.message}`).join("\n")}`,
    );
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function toBlob(b: z.infer<typeof blobSchema> | ParsedBlob): LayoutBlob {
  return {
    path: b.path,
    ...(b.size !== undefined && { size: b.size }),
    ...(b.sha256 !== undefined && { sha256: b.sha256 }),
    ...(b.head !== undefined && { head: b.head }),
  };
}

/**
 * Parses and validates layout JSON text. Throws `LayoutFileError` listing every bad field;
 * `source` names the file in the message. `maxBlobs` (default `MAX_LAYOUT_BLOBS`, the app's and
 * share links' bound) caps `modules` and `loaders` each.
 */
export function parseLayoutJson(
  text: string,
  source = "layout",
  opts: {
    maxBlobs?: number;
    /** `false`: validate `modules` with zod even when the fast reader would do (tests compare both). */
    fastModules?: boolean;
  } = {},
): Layout {
  let raw: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte-order mark; JSON.parse refuses it.
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new LayoutFileError(
      [
        {
          code: "not-json",
          severity: "error",
          where: "",
          message: `not JSON: ${(e as Error).message}. Fix the syntax, or re-export the layout.`,
        },
      ],
      source,
    );
  }
  if (
    raw &&
    typeof raw === "object" &&
    "format" in raw &&
    (raw as { format: unknown }).format === LAYOUT_FORMAT
  ) {
    const v = (raw as { version?: unknown }).version;
    if (typeof v === "number" && v > LAYOUT_VERSION) {
      throw new LayoutFileError(
        [
          {
            code: "newer-version",
            severity: "error",
            where: "version",
            message: `version ${v} is newer than this guestmap understands (${LAYOUT_VERSION}); update guestmap`,
          },
        ],
        source,
      );
    }
  }
  const early = boundsIssues(raw, opts.maxBlobs ?? MAX_LAYOUT_BLOBS);
  if (early.length > 0) throw new LayoutFileError(early, source);
  // 100k modules: read `modules` without zod when every entry is plainly valid (see layout-modules.ts).
  const rawModules = isObject(raw) && Array.isArray(raw.modules) ? raw.modules : undefined;
  const fast = rawModules && opts.fastModules !== false ? parseModulesFast(rawModules) : undefined;
  const r = layoutSchema.safeParse(fast ? { ...(raw as object), modules: [] } : raw);
  if (!r.success) {
    throw new LayoutFileError(
      r.error.issues.map((i) => ({
        code: "bad-field",
        severity: "error",
        where: pathText(i.path),
        message: i.message,
      })),
      source,
    );
  }
  const d = r.data;
  const parsedModules: readonly ParsedModule[] = fast ?? d.modules;
  const ids = assignIds(parsedModules, d.loaders);
  const duplicates = ids.issues;
  if (duplicates.length > 0) throw new LayoutFileError(duplicates, source);
  const bios: Bios =
    d.machine.bios === "default" || d.machine.bios === "none"
      ? { kind: d.machine.bios }
      : d.machine.bios === "explicit-default"
        ? { kind: "default", explicit: true }
        : { kind: "file", file: toBlob(d.machine.bios) };
  // The fast reader's blobs are LayoutBlobs already (only the keys given); zod's are copied.
  // Fields set one by one: spreading per stanza made a throw-away object per field.
  const blob = fast ? (b: ParsedBlob) => b : toBlob;
  const modules: GuestLoaderModule[] = parsedModules.map((m, i) => {
    const out: { -readonly [K in keyof GuestLoaderModule]: GuestLoaderModule[K] } = {
      id: ids.modules[i]!,
      addr: m.addr,
    };
    if (m.kernel) out.kernel = blob(m.kernel);
    if (m.initrd) out.initrd = blob(m.initrd);
    if (m.bootargs !== undefined) out.bootargs = m.bootargs;
    return out;
  });
  const loaders: GenericLoaderBlob[] = d.loaders.map((l, i) => ({
    id: ids.loaders[i]!,
    addr: l.addr,
    file: toBlob(l.file),
    ...(l.forceRaw !== undefined && { forceRaw: l.forceRaw }),
    ...(l.cpuNum !== undefined && { cpuNum: l.cpuNum }),
    ...(l.addrGiven === false && { addrGiven: false as const }),
  }));
  const loaderData: LoaderDataWrite[] | undefined = d.loaderData?.map((w, i) => ({
    id: w.id ?? `d${i + 1}`,
    addr: w.addr,
    data: w.data,
    len: w.len,
    ...(w.bigEndian !== undefined && { bigEndian: w.bigEndian }),
    ...(w.cpuNum !== undefined && { cpuNum: w.cpuNum }),
  }));
  const loaderPcs: LoaderPc[] | undefined = d.loaderPcs?.map((p, i) => ({
    id: p.id ?? `p${i + 1}`,
    addr: p.addr,
    cpuNum: p.cpuNum,
  }));
  return {
    machine: {
      arch: d.machine.arch as Layout["machine"]["arch"],
      type: d.machine.type,
      props: Object.entries(d.machine.props),
      ram: d.machine.ram,
      ...(d.machine.cpu !== undefined && { cpu: d.machine.cpu }),
      ...(d.machine.smp !== undefined && { smp: d.machine.smp }),
      bios,
    },
    ...(d.qemu !== undefined && { qemu: d.qemu as QemuVersion }),
    ...(d.kernel && { kernel: toBlob(d.kernel) }),
    ...(d.append !== undefined && { append: d.append }),
    ...(d.initrd && { initrd: toBlob(d.initrd) }),
    ...(d.dtb && { dtb: toBlob(d.dtb) }),
    modules,
    loaders,
    ...(loaderData && loaderData.length > 0 && { loaderData }),
    ...(loaderPcs && loaderPcs.length > 0 && { loaderPcs }),
    extraArgs: d.extraArgs,
    ...(d.domains && {
      domains: d.domains.map((dom) => {
        const mod = (m: z.infer<typeof domainModuleSchema>, kind: string) => ({
          id: m.id ?? `${dom.name}.${kind}`,
          addr: m.addr,
          file: toBlob(m.file),
        });
        return {
          name: dom.name,
          memory: dom.memory,
          cpus: dom.cpus,
          vpl011: dom.vpl011,
          ...(dom.bootargs !== undefined && { bootargs: dom.bootargs }),
          kernel: mod(dom.kernel, "kernel"),
          ...(dom.ramdisk && { ramdisk: mod(dom.ramdisk, "ramdisk") }),
          ...(dom.dtb && { dtb: mod(dom.dtb, "dtb") }),
        };
      }),
    }),
  };
}

/** Half of a UTF-16 surrogate pair without its other half: JSON can spell it, UTF-8 cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Object keys that would change a JavaScript object's prototype if copied by assignment. */
const PROTO_KEYS = new Set(["__proto__"]);

/**
 * Problems found before schema validation: keys that would reach an object's prototype, and
 * counts past the bounds (so a 100k-module file fails fast instead of being validated entry by entry).
 */
function boundsIssues(raw: unknown, maxBlobs: number): LayoutFileIssue[] {
  const issues: LayoutFileIssue[] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (issues.length >= 10 || v === null) return;
    if (typeof v === "string") {
      if (v.includes("\0"))
        issues.push({
          code: "nul-character",
          severity: "error",
          where: pathText(path),
          message: "contains a NUL character, which no QEMU argument or file name can hold; remove it",
        });
      else if (LONE_SURROGATE.test(v))
        issues.push({
          code: "lone-surrogate",
          severity: "error",
          where: pathText(path),
          message:
            "contains a lone UTF-16 surrogate (a \\ud800-style escape), which is not text and has no UTF-8 bytes; an exported script would pass a different string. Fix the escape",
        });
      return;
    }
    if (typeof v !== "object") return;
    // A layout nests five levels at most; a hostile one nested 100k deep must not blow the stack.
    if (path.length > 16) {
      issues.push({
        code: "too-deep",
        severity: "error",
        where: pathText(path),
        message: "nested deeper than any layout field; this is not a guestmap layout",
      });
      return;
    }
    if (Array.isArray(v)) {
      if (path.length === 1 && (path[0] === "modules" || path[0] === "loaders") && v.length > maxBlobs) {
        issues.push({
          code: "too-many-blobs",
          severity: "error",
          where: pathText(path),
          message: `${v.length} entries, more than the ${maxBlobs} guestmap accepts (Xen reads at most 30 modules); split the layout`,
        });
        return;
      }
      if (path.length === 1 && path[0] === "extraArgs" && v.length > MAX_LAYOUT_EXTRA_ARGS) {
        issues.push({
          code: "too-many-args",
          severity: "error",
          where: "extraArgs",
          message: `${v.length} argument groups, more than the ${MAX_LAYOUT_EXTRA_ARGS} guestmap accepts`,
        });
        return;
      }
      // One path array, pushed and popped: a copy per entry was 100k arrays for a CLI layout.
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i], path);
        path.pop();
      }
      return;
    }
    for (const k of Object.keys(v)) {
      if (k.includes("\0"))
        issues.push({
          code: "nul-character",
          severity: "error",
          where: pathText(path),
          message: "a key contains a NUL character; remove it",
        });
      else if (PROTO_KEYS.has(k))
        issues.push({
          code: "prototype-key",
          severity: "error",
          where: pathText([...path, k]),
          message: `a key named "${k}" is not allowed (it would replace an object's prototype); remove it`,
        });
      else {
        path.push(k);
        walk((v as Record<string, unknown>)[k], path);
        path.pop();
      }
    }
  };
  walk(raw, []);
  return issues;
}

/**
 * Ids for modules and loaders: the file's own, else `m1…`/`l1…` skipping ids already taken. Ids
 * are how edits and diagnostics name blobs, so two blobs with one id are refused.
 */
function assignIds(
  modules: readonly { id?: string | undefined }[],
  loaders: readonly { id?: string | undefined }[],
): { modules: string[]; loaders: string[]; issues: LayoutFileIssue[] } {
  const issues: LayoutFileIssue[] = [];
  const owner = new Map<string, string>();
  const given = (list: readonly { id?: string | undefined }[], field: string) =>
    list.forEach((x, i) => {
      if (x.id === undefined) return;
      const first = owner.get(x.id);
      if (first !== undefined)
        issues.push({
          code: "duplicate-id",
          severity: "error",
          where: `${field}[${i}].id`,
          message: `"${x.id}" is already the id of ${first}; give every module and loader its own id (or none, to have one assigned)`,
        });
      else owner.set(x.id, `${field}[${i}]`);
    });
  given(modules, "modules");
  given(loaders, "loaders");
  const fresh = (list: readonly { id?: string | undefined }[], prefix: string) => {
    let n = 0;
    return list.map((x) => {
      if (x.id !== undefined) return x.id;
      let id: string;
      do id = `${prefix}${++n}`;
      while (owner.has(id));
      owner.set(id, id);
      return id;
    });
  };
  return { modules: fresh(modules, "m"), loaders: fresh(loaders, "l"), issues };
}
