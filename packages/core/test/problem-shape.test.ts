/**
 * One problem shape across the core: every list of problems it returns is `{code, severity,
 * message, where?}` with lower-case kebab codes. The type checks below fail `npm run typecheck`
 * when a new issue type strays; the runtime checks feed each producer input it refuses.
 */
import { describe, expect, it } from "vitest";
import {
  check,
  type Diagnostic,
  DtbError,
  type DtbErrorCode,
  type ExportIssue,
  exportArgv,
  type ImageBuilderIssue,
  type ImageNote,
  type ImportIssue,
  importShellCommand,
  LayoutFileError,
  type LayoutFileIssue,
  type MachineOptionIssue,
  PROFILES,
  type Problem,
  parseLayoutJson,
  parseMachineOption,
  planMemoryImage,
  standaloneDtb,
  type UbootScriptIssue,
  type VerifyPlanIssue,
} from "../src/index.js";
import { emptyLayout } from "../src/model/types.js";

type Kebab<C extends string> =
  C extends Lowercase<C> ? (C extends `${string}_${string}` ? false : true) : false;
/** True when T is a Problem whose every code is lower-case kebab. */
type Shaped<T> = T extends Problem<infer C> ? (false extends Kebab<C> ? false : true) : false;
type Is<T extends true> = T;
export type ProblemShapes = [
  Is<Shaped<Diagnostic>>,
  Is<Shaped<ImportIssue>>,
  Is<Shaped<ExportIssue>>,
  Is<Shaped<VerifyPlanIssue>>,
  Is<Shaped<ImageBuilderIssue>>,
  Is<Shaped<UbootScriptIssue>>,
  Is<Shaped<ImageNote>>,
  Is<Shaped<MachineOptionIssue>>,
  Is<Shaped<LayoutFileIssue>>,
  Is<false extends Kebab<DtbErrorCode> ? false : true>,
];

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SEVERITIES = new Set(["error", "warning", "info"]);

function expectShaped(list: readonly Problem[]): void {
  expect(list.length).toBeGreaterThan(0);
  for (const p of list) {
    expect(p.code).toMatch(KEBAB);
    expect(SEVERITIES.has(p.severity), p.code).toBe(true);
    expect(p.message.length, p.code).toBeGreaterThan(10);
  }
}

describe("every producer reports in the one shape", () => {
  const l = emptyLayout("aarch64");
  it("check, import, export, -M text, the image plan", () => {
    expectShaped(
      check({ ...l, modules: [{ id: "m1", addr: 0n, initrd: { path: "r", size: 0n } }] }).diagnostics,
    );
    expectShaped(
      importShellCommand("qemu-system-aarch64 -M virt -device guest-loader,addr=1184M").diagnostics,
    );
    const e = exportArgv({ ...l, machine: { ...l.machine, ram: 1n }, append: "\0" });
    expectShaped(e.ok ? [] : e.issues);
    expectShaped(parseMachineOption("virt,highmem,=x,type=virt", { withType: false }).issues);
    const plan = planMemoryImage(
      { ...l, loaders: [{ id: "l1", addr: 0x40000000n, file: { path: "a", size: 16n } }] },
      check({ ...l, loaders: [{ id: "l1", addr: 0x40000000n, file: { path: "a", size: 16n } }] }).placement,
      () => ({ size: 16n, read: async () => new Uint8Array(16) }),
      { format: "raw" },
    );
    expectShaped(plan.ok ? plan.notes : []);
  });
  it("layout files and DTB errors", () => {
    let err: unknown;
    try {
      parseLayoutJson('{"format":"guestmap-layout","modules":[{"id":"a"},{"id":"a"}]}');
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(LayoutFileError);
    expectShaped((err as LayoutFileError).issues);
    let dtb: unknown;
    try {
      standaloneDtb(
        { ...l, modules: [{ id: "m1", addr: 0x50000000n, initrd: { path: "r" } }] },
        PROFILES["10.0"],
      );
    } catch (x) {
      dtb = x;
    }
    expect(dtb).toBeInstanceOf(DtbError);
    expect((dtb as DtbError).code).toMatch(KEBAB);
  });
});
