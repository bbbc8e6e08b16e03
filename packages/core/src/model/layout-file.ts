/**
 * The layout file: versioned JSON, validated on load with zod so that a bad file gets an error
 * naming the field and what was expected. Addresses and sizes are strings in JSON (`"0x42000000"`,
 * `"2G"`) because JSON numbers lose precision above 2^53.
 */
import { z } from "zod";
import { hex, parseSize } from "../util/bigint.js";
import {
  ARCHES,
  type Bios,
  type Blob,
  type DomainModule,
  type GenericLoaderBlob,
  type GuestLoaderModule,
  type Layout,
  MiB,
  type QemuVersion,
} from "./types.js";

export const LAYOUT_FORMAT = "guestmap-layout";
export const LAYOUT_VERSION = 1;
export const QEMU_VERSIONS: readonly QemuVersion[] = ["7.2", "8.2", "9.2", "10.2"];

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
  qemu: z.enum(QEMU_VERSIONS as [string, ...string[]]).optional(),
  kernel: blobSchema.optional(),
  append: z.string().optional(),
  initrd: blobSchema.optional(),
  dtb: blobSchema.optional(),
  modules: z.array(moduleSchema).default([]),
  loaders: z.array(loaderSchema).default([]),
  extraArgs: z.array(z.array(z.string()).min(1)).default([]),
  domains: z.array(domainSchema).optional(),
});

/** One problem in a layout file: where (a field path like `modules[1].addr`) and what. */
export interface LayoutFileIssue {
  readonly path: string;
  readonly message: string;
}

/** A layout file that cannot be used; `issues` name each bad field. */
export class LayoutFileError extends Error {
  readonly code = "layout-invalid";
  constructor(
    readonly issues: readonly LayoutFileIssue[],
    source = "layout",
  ) {
    super(
      `${source} is not a valid guestmap layout:\n${issues.map((i) => `  ${i.path || "(top level)"}: ${i.message}`).join("\n")}`,
    );
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function toBlob(b: z.infer<typeof blobSchema>): Blob {
  return {
    path: b.path,
    ...(b.size !== undefined && { size: b.size }),
    ...(b.sha256 !== undefined && { sha256: b.sha256 }),
    ...(b.head !== undefined && { head: b.head }),
  };
}

/**
 * Parses and validates layout JSON text. Throws `LayoutFileError` listing every bad field;
 * `source` names the file in the message.
 */
export function parseLayoutJson(text: string, source = "layout"): Layout {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LayoutFileError(
      [{ path: "", message: `not JSON: ${(e as Error).message}. Fix the syntax, or re-export the layout.` }],
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
            path: "version",
            message: `version ${v} is newer than this guestmap understands (${LAYOUT_VERSION}); update guestmap`,
          },
        ],
        source,
      );
    }
  }
  const r = layoutSchema.safeParse(raw);
  if (!r.success) {
    throw new LayoutFileError(
      r.error.issues.map((i) => ({ path: pathText(i.path), message: i.message })),
      source,
    );
  }
  const d = r.data;
  const bios: Bios =
    d.machine.bios === "default" || d.machine.bios === "none"
      ? { kind: d.machine.bios }
      : { kind: "file", file: toBlob(d.machine.bios) };
  const modules: GuestLoaderModule[] = d.modules.map((m, i) => ({
    id: m.id ?? `m${i + 1}`,
    addr: m.addr,
    ...(m.kernel && { kernel: toBlob(m.kernel) }),
    ...(m.initrd && { initrd: toBlob(m.initrd) }),
    ...(m.bootargs !== undefined && { bootargs: m.bootargs }),
  }));
  const loaders: GenericLoaderBlob[] = d.loaders.map((l, i) => ({
    id: l.id ?? `l${i + 1}`,
    addr: l.addr,
    file: toBlob(l.file),
    ...(l.forceRaw !== undefined && { forceRaw: l.forceRaw }),
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

function blobJson(b: Blob, withHead: boolean): Record<string, unknown> {
  return {
    path: b.path,
    ...(b.size !== undefined && { size: hex(b.size) }),
    ...(b.sha256 !== undefined && { sha256: b.sha256 }),
    ...(withHead && b.head && { head: base64Encode(b.head) }),
  };
}

/**
 * The layout as pretty JSON text, ready to save. `withHeads` keeps each blob's first bytes (the UI
 * does, so a layout without its files still knows kernel footprints).
 */
export function serializeLayout(layout: Layout, opts: { withHeads?: boolean } = {}): string {
  const h = opts.withHeads ?? false;
  const m = layout.machine;
  const doc = {
    format: LAYOUT_FORMAT,
    version: LAYOUT_VERSION,
    machine: {
      arch: m.arch,
      type: m.type,
      props: Object.fromEntries(m.props),
      ram: hex(m.ram),
      ...(m.cpu !== undefined && { cpu: m.cpu }),
      ...(m.smp !== undefined && { smp: m.smp }),
      bios: m.bios.kind === "file" ? blobJson(m.bios.file, false) : m.bios.kind,
    },
    ...(layout.qemu !== undefined && { qemu: layout.qemu }),
    ...(layout.kernel && { kernel: blobJson(layout.kernel, h) }),
    ...(layout.append !== undefined && { append: layout.append }),
    ...(layout.initrd && { initrd: blobJson(layout.initrd, h) }),
    ...(layout.dtb && { dtb: blobJson(layout.dtb, h) }),
    modules: layout.modules.map((mod) => ({
      id: mod.id,
      addr: hex(mod.addr),
      ...(mod.kernel && { kernel: blobJson(mod.kernel, h) }),
      ...(mod.initrd && { initrd: blobJson(mod.initrd, h) }),
      ...(mod.bootargs !== undefined && { bootargs: mod.bootargs }),
    })),
    loaders: layout.loaders.map((l) => ({
      id: l.id,
      addr: hex(l.addr),
      file: blobJson(l.file, h),
      ...(l.forceRaw !== undefined && { forceRaw: l.forceRaw }),
    })),
    extraArgs: layout.extraArgs,
    ...(layout.domains && {
      domains: layout.domains.map((d) => {
        const mod = (m: DomainModule) => ({ id: m.id, addr: hex(m.addr), file: blobJson(m.file, h) });
        return {
          name: d.name,
          memory: hex(d.memory),
          cpus: d.cpus,
          vpl011: d.vpl011,
          ...(d.bootargs !== undefined && { bootargs: d.bootargs }),
          kernel: mod(d.kernel),
          ...(d.ramdisk && { ramdisk: mod(d.ramdisk) }),
          ...(d.dtb && { dtb: mod(d.dtb) }),
        };
      }),
    }),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function base64Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += b === undefined ? "=" : B64[(n >> 6) & 63]!;
    out += c === undefined ? "=" : B64[n & 63]!;
  }
  return out;
}

function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n =
      (B64.indexOf(clean[i]!) << 18) |
      (B64.indexOf(clean[i + 1] ?? "A") << 12) |
      (B64.indexOf(clean[i + 2] ?? "A") << 6) |
      B64.indexOf(clean[i + 3] ?? "A");
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
