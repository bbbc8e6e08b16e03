/**
 * `-device` values as qdev reads them: the QemuOpts or JSON form, then the guest-loader and
 * generic-loader properties guestmap models. Every problem QEMU reports while setting properties
 * becomes an `ImportIssue`.
 */
import type {
  GenericLoaderBlob,
  GuestLoaderModule,
  LayoutBlob,
  LoaderDataWrite,
  LoaderPc,
} from "../model/types.js";
import type { ImportIssue } from "./import-issues.js";
import { jsonDuplicateKey } from "./json-duplicate-key.js";
import { expectsIntegerMessage, parseQemuUint } from "./numbers.js";
import { parseQemuOpts, type QemuOptsProp } from "./qemuopts.js";
import { suggest } from "./suggest.js";

const GUEST_LOADER_PROPS = ["addr", "kernel", "initrd", "bootargs"];
const LOADER_PROPS = ["file", "addr", "force-raw", "data", "data-len", "data-be", "cpu-num"];
const BOOL_ON = new Set(["on", "yes", "true", "y"]);
const BOOL_OFF = new Set(["off", "no", "false", "n"]);

export interface DeviceValue {
  driver: string | undefined;
  props: QemuOptsProp[];
  json: boolean;
}

export function flagIssue(issues: ImportIssue[], at: number, p: QemuOptsProp): void {
  issues.push({
    code: "flag-property",
    severity: "warning",
    argIndex: at,
    offset: p.offset,
    message: `argument ${at}, character ${p.offset}: QEMU reads the bare '${p.value === "off" ? "no" : ""}${p.key}' as ${p.key}=${p.value} (a deprecated short form); write ${p.key}=${p.value}, or if a value contains a comma write it as ',,'`,
  });
}

/** A -device value as properties: QemuOpts, or the JSON object form (`{"driver":…}`). */
export function parseDevice(value: string, at: number, issues: ImportIssue[]): DeviceValue | undefined {
  if (value.trimStart().startsWith("{")) {
    let obj: unknown;
    try {
      obj = JSON.parse(value);
    } catch (e) {
      issues.push({
        code: "bad-json",
        severity: "error",
        argIndex: at,
        message: `argument ${at}: this -device JSON does not parse (${(e as Error).message}); fix the JSON or use the driver,key=value form`,
      });
      return undefined;
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) return undefined;
    const dup = jsonDuplicateKey(value);
    if (dup !== undefined) {
      issues.push({
        code: "bad-json",
        severity: "error",
        argIndex: at,
        message: `argument ${at}: QEMU says "JSON parse error, duplicate key": "${dup}" appears twice in one object of this -device JSON; keep one`,
      });
      return undefined;
    }
    const props: QemuOptsProp[] = [];
    let driver: string | undefined;
    for (const [k, v] of Object.entries(obj)) {
      const off = value.indexOf(JSON.stringify(k));
      if (k === "driver" && typeof v === "string") driver = v;
      // JSON numbers above 2^53 lose precision in JSON.parse: take addr's digits from the text.
      let text: string;
      if ((k === "addr" || k === "data") && typeof v === "number") {
        const m = new RegExp(`"${k}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(value);
        text = m?.[1] ?? String(v);
        if (!/^[0-9]+$/.test(text)) {
          issues.push({
            code: "bad-json",
            severity: "error",
            argIndex: at,
            offset: off,
            message: `argument ${at}: QEMU says "Parameter 'addr' expects uint64" for ${text}; write addr as a non-negative JSON integer`,
          });
          continue;
        }
      } else if (k === "addr") {
        issues.push({
          code: "bad-json",
          severity: "error",
          argIndex: at,
          offset: off,
          message: `argument ${at}: QEMU says "Parameter 'addr' expects uint64": in the JSON form addr must be a JSON integer like 1207959552, not ${JSON.stringify(v)}`,
        });
        continue;
      } else if (typeof v === "string") text = v;
      else if (typeof v === "boolean") text = v ? "on" : "off";
      else text = JSON.stringify(v);
      props.push({ key: k, value: text, offset: off, valueOffset: off, form: "pair" });
    }
    return { driver, props, json: true };
  }
  const props = parseQemuOpts(value, "driver");
  let driver: string | undefined;
  for (const p of props) if (p.key === "driver") driver = p.value;
  return { driver, props, json: false };
}

function unknownProp(issues: ImportIssue[], at: number, drv: string, p: QemuOptsProp, known: string[]): void {
  const s = suggest(p.key, known);
  issues.push({
    code: "unknown-property",
    severity: "error",
    argIndex: at,
    offset: p.offset,
    message: `argument ${at}, character ${p.offset}: unknown property '${p.key}' (QEMU: "Property '${drv}.${p.key}' not found")${s ? `; did you mean '${s}'?` : `; ${drv} has ${known.join(", ")}`}${p.form === "flag" ? ". A comma inside a value must be written ',,'" : ""}`,
  });
}

function parseAddr(p: QemuOptsProp, at: number, issues: ImportIssue[], json: boolean): bigint | undefined {
  const v = json ? BigInt(p.value) : parseQemuUint(p.value);
  if (v === undefined)
    issues.push({
      code: "bad-integer",
      severity: "error",
      argIndex: at,
      offset: p.valueOffset,
      message: `argument ${at}, character ${p.valueOffset}: QEMU says "${expectsIntegerMessage("addr")}" for '${p.value}'; write a plain integer like 0x48000000 (no K/M/G suffix, no '_', no trailing space)`,
    });
  return v;
}

export function guestLoader(
  dev: DeviceValue,
  at: number,
  issues: ImportIssue[],
  id: string,
): GuestLoaderModule | undefined {
  let addr = 0n;
  let kernel: LayoutBlob | undefined;
  let initrd: LayoutBlob | undefined;
  let bootargs: string | undefined;
  for (const p of dev.props) {
    if (p.key === "driver") continue;
    if (p.form === "flag") flagIssue(issues, at, p);
    switch (p.key) {
      case "addr": {
        const v = parseAddr(p, at, issues, dev.json);
        if (v !== undefined) addr = v;
        break;
      }
      case "kernel":
        kernel = { path: p.value };
        break;
      case "initrd":
        initrd = { path: p.value };
        break;
      case "bootargs":
        bootargs = p.value;
        break;
      case "id":
        issues.push({
          code: "property-dropped",
          severity: "warning",
          argIndex: at,
          offset: p.offset,
          message: `argument ${at}: guest-loader id=${p.value} is not modelled and was dropped`,
        });
        break;
      default:
        unknownProp(issues, at, "guest-loader", p, GUEST_LOADER_PROPS);
    }
  }
  // The stanza stays in the layout even with a bad property: the user fixes it there.
  return {
    id,
    addr,
    ...(kernel && { kernel }),
    ...(initrd && { initrd }),
    ...(bootargs !== undefined && { bootargs }),
  };
}

/**
 * `-device loader` in the forms of QEMU's docs/system/generic-loader.rst: a file (`file=`, with or
 * without `addr=`, `force-raw=`, `cpu-num=`) or a value (`data=`, `data-len=`, `data-be=`, `addr=`,
 * `cpu-num=`) or a PC (`addr=` + `cpu-num=` alone). A combination QEMU refuses and duplicated keys
 * stay verbatim (undefined), the refusal reported here.
 */
export function genericLoader(
  dev: DeviceValue,
  at: number,
  issues: ImportIssue[],
  ids: { blob: string; data: string; pc: string },
): { blob: GenericLoaderBlob } | { data: LoaderDataWrite } | { pc: LoaderPc } | undefined {
  const keys = dev.props.filter((p) => p.key !== "driver");
  for (const p of keys)
    if (!LOADER_PROPS.includes(p.key) && p.key !== "id") unknownProp(issues, at, "loader", p, LOADER_PROPS);
  if (keys.some((p) => !LOADER_PROPS.includes(p.key))) return undefined;
  // Duplicated keys would not survive a round trip: keep such stanzas verbatim.
  if (new Set(keys.map((p) => p.key)).size !== keys.length) return undefined;
  const get = (k: string) => keys.find((p) => p.key === k);
  const file = get("file");
  const addrP = get("addr");
  const raw = get("force-raw");
  const cpuP = get("cpu-num");
  const dataP = get("data");
  const lenP = get("data-len");
  const beP = get("data-be");
  const refuse = (msg: string) => {
    issues.push({
      code: "loader-form",
      severity: "error",
      argIndex: at,
      message: `argument ${at}: QEMU refuses this -device loader ("${msg}"); see QEMU's generic-loader documentation for the file and data forms`,
    });
    return undefined;
  };
  const addr = addrP ? parseAddr(addrP, at, issues, dev.json) : 0n;
  if (addr === undefined) return undefined;
  let cpuNum: number | undefined;
  if (cpuP) {
    const v = parseQemuUint(cpuP.value);
    if (v === undefined || v > 0xffff_fffen) return badInteger(issues, at, cpuP);
    cpuNum = Number(v);
  }
  const bool = (p: QemuOptsProp | undefined): boolean | undefined | null =>
    p === undefined ? undefined : BOOL_ON.has(p.value) ? true : BOOL_OFF.has(p.value) ? false : null;
  const forceRaw = bool(raw);
  const bigEndian = bool(beP);
  if (forceRaw === null || bigEndian === null) return undefined;

  if (dataP || lenP || bigEndian) {
    if (file) return refuse("Specifying a file is not supported when loading memory values");
    if (forceRaw) return refuse("Specifying force-raw is not supported when loading memory values");
    const data = dataP ? parseQemuUint(dataP.value) : 0n;
    if (data === undefined && dataP) return badInteger(issues, at, dataP);
    const len = lenP ? parseQemuUint(lenP.value) : 0n;
    if (len === undefined || len > 255n) return lenP ? badInteger(issues, at, lenP) : undefined;
    return {
      data: {
        id: ids.data,
        addr,
        data: data ?? 0n,
        len: Number(len),
        ...(bigEndian && { bigEndian }),
        ...(cpuNum !== undefined && { cpuNum }),
      },
    };
  }
  if (!file) {
    if (forceRaw === undefined && addr !== 0n && cpuNum !== undefined)
      return { pc: { id: ids.pc, addr, cpuNum } };
    if (addr !== 0n) return refuse("cpu_num must be specified when setting a program counter");
    return refuse("please include valid arguments");
  }
  return {
    blob: {
      id: ids.blob,
      addr,
      file: { path: file.value },
      ...(forceRaw !== undefined && { forceRaw }),
      ...(cpuNum !== undefined && { cpuNum }),
      ...(!addrP && { addrGiven: false as const }),
    },
  };
}

function badInteger(issues: ImportIssue[], at: number, p: QemuOptsProp): undefined {
  issues.push({
    code: "bad-integer",
    severity: "error",
    argIndex: at,
    offset: p.valueOffset,
    message: `argument ${at}, character ${p.valueOffset}: QEMU says "${expectsIntegerMessage(p.key)}" for '${p.value}'; write a plain integer like 0x10 (no K/M/G suffix, no '_')`,
  });
  return undefined;
}
