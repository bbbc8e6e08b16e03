/**
 * libfdt semantics of our edits, judged by QEMU 7.2: replaying guest-loader's own sequence of
 * libfdt calls (hw/core/guest-loader.c) on QEMU's DTB of the same machine without the devices
 * must give QEMU's DTB with them — node order, property order and bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addSubnode,
  decodeFdt,
  type Fdt,
  findNode,
  getPropValue,
  printDts,
  setProp,
  stringListValue,
  stringValue,
  u64Value,
} from "../src/fdt/index.js";
import { atLeastVersion, check, emptyLayout, type Layout } from "../src/index.js";
import { plain } from "../test/fdt/blob.js";
import { dtcToDts } from "./fdt-tools.js";
import { dumpDtb, infoRoms, pmemsave, qemuInstalls, qemuLabel } from "./qemu.js";
import { haveTool } from "./tools.js";

interface LayoutBlob {
  addr: bigint;
  file: string;
  size: number;
  kind: "kernel" | "initrd";
  bootargs?: string;
}

const BLOBS: LayoutBlob[] = [
  { addr: 0x42000000n, file: "K", size: 100, kind: "kernel", bootargs: "x" },
  { addr: 0x44000000n, file: "R", size: 37, kind: "initrd" },
  { addr: 0x46000000n, file: "K", size: 100, kind: "kernel" },
];

function deviceArgs(blobs: readonly LayoutBlob[], base = 0n): string[] {
  return blobs.flatMap((b) => [
    "-device",
    `guest-loader,addr=0x${(b.addr + base).toString(16)},${b.kind}=${b.file}${b.bootargs ? `,bootargs=${b.bootargs}` : ""}`,
  ]);
}

/** guest-loader.c's loader_insert_platform_data, call for call. */
function replay(fdt: Fdt, blobs: readonly LayoutBlob[], base = 0n): Fdt {
  for (const b of blobs) {
    const addr = b.addr + base;
    const node = `/chosen/module@0x${addr.toString(16).padStart(8, "0")}`;
    fdt = addSubnode(fdt, "/chosen", node.slice("/chosen/".length));
    fdt = setProp(fdt, node, "reg", u64Value(addr, BigInt(b.size)));
    fdt = setProp(
      fdt,
      node,
      "compatible",
      stringListValue(["multiboot,module", `multiboot,${b.kind === "kernel" ? "kernel" : "ramdisk"}`]),
    );
    if (b.bootargs !== undefined) fdt = setProp(fdt, node, "bootargs", stringValue(b.bootargs));
  }
  return fdt;
}

const chosenShape = (fdt: Fdt) =>
  findNode(fdt, "/chosen")!.children.map((c) => ({ name: c.name, props: c.props.map((p) => p.name) }));

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guestmap-gl-"));
  writeFileSync(join(dir, "K"), new Uint8Array(100).fill(0xaa));
  writeFileSync(join(dir, "R"), new Uint8Array(37).fill(0x55));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const q of qemuInstalls()) {
  const A64 = q.binary("aarch64");
  const RV64 = q.binary("riscv64");
  describe.skipIf(!haveTool("dtc"))(`guest-loader /chosen on aarch64 virt, ${qemuLabel(q)}`, () => {
    // dtb-randomness=off drops rng-seed/kaslr-seed, so two runs give identical blobs.
    const machine = ["-M", "virt,dtb-randomness=off", "-cpu", "cortex-a57", "-m", "1G"];

    it("dumpdtb includes the modules: reverse -device order, properties bootargs, compatible, reg", () => {
      const fdt = decodeFdt(dumpDtb(A64, [...machine, ...deviceArgs(BLOBS)], dir));
      expect(chosenShape(fdt)).toEqual([
        { name: "module@0x46000000", props: ["compatible", "reg"] },
        { name: "module@0x44000000", props: ["compatible", "reg"] },
        { name: "module@0x42000000", props: ["bootargs", "compatible", "reg"] },
      ]);
    });

    it("replaying guest-loader's libfdt calls on the device-less DTB gives QEMU's DTB exactly", () => {
      const qemu = decodeFdt(dumpDtb(A64, [...machine, ...deviceArgs(BLOBS)], dir));
      const base = decodeFdt(dumpDtb(A64, machine, dir));
      const ours = replay(base, BLOBS);
      expect(plain(ours)).toEqual(plain(qemu));
      expect(printDts(ours)).toBe(
        dtcToDts(dumpDtb(A64, [...machine, ...deviceArgs(BLOBS)], dir)).stdout.toString("latin1"),
      );
    });

    it("the DTB the guest finds in RAM at reset (no -kernel: at 0x40000000) is the dumped one", () => {
      const args = [...machine, ...deviceArgs(BLOBS)];
      const ram = pmemsave(A64, args, 0x40000000n, 0x100000n, dir);
      const dumped = dumpDtb(A64, args, dir);
      expect(Buffer.from(ram).equals(Buffer.from(dumped))).toBe(true);
    });

    it("two blobs at one address: QEMU fails with FDT_ERR_EXISTS, and so does our addSubnode", () => {
      const twice = [BLOBS[0]!, { ...BLOBS[1]!, addr: BLOBS[0]!.addr }];
      expect(() => dumpDtb(A64, [...machine, ...deviceArgs(twice)], dir)).toThrow(/FDT_ERR_EXISTS/);
      const base = decodeFdt(dumpDtb(A64, machine, dir));
      expect(() => replay(base, twice)).toThrow(expect.objectContaining({ code: "EXISTS" }));
    });
  });

  describe(`guest-loader /chosen on riscv64 virt, ${qemuLabel(q)}`, () => {
    const machine = ["-M", "virt", "-m", "1G"];
    const RV = 0x40000000n; // RAM starts at 0x80000000: shift the ARM addresses into it

    it("replay gives QEMU's DTB, up to rng-seed's random value (QEMU 7.2 cannot turn it off here)", () => {
      const qemu = decodeFdt(dumpDtb(RV64, [...machine, ...deviceArgs(BLOBS, RV)], dir));
      const base = decodeFdt(dumpDtb(RV64, machine, dir));
      // Replacing an existing property keeps its place (fdt_setprop), so this only equalises bytes.
      const seed = getPropValue(qemu, "/chosen", "rng-seed")!;
      const ours = setProp(replay(base, BLOBS, RV), "/chosen", "rng-seed", seed);
      // 8.0 moved stdout-path to finalize time, after rng-seed (libfdt shows the last set first).
      expect(findNode(qemu, "/chosen")!.props.map((p) => p.name)).toEqual(
        atLeastVersion(q.version, "8.0") ? ["stdout-path", "rng-seed"] : ["rng-seed", "stdout-path"],
      );
      expect(plain(ours)).toEqual(plain(qemu));
    });
  });

  describe(`an empty guest-loader file, ${qemuLabel(q)}`, () => {
    // 7.2.22 and 10.0.2 measured: QEMU starts, registers no ROM, writes a node of size 0 (the
    // empty-file error is 10.2's). Our profile for this version must say the same.
    const args = ["-M", "virt,dtb-randomness=off", "-cpu", "cortex-a57", "-m", "1G"];
    it("QEMU starts with a size-0 module node and no ROM; check warns (qemu: starts)", () => {
      writeFileSync(join(dir, "E"), new Uint8Array(0));
      const argv = [...args, "-device", "guest-loader,addr=0x50000000,initrd=E"];
      expect(infoRoms(A64, argv, dir).some((r) => r.name === "E")).toBe(false);
      const fdt = decodeFdt(dumpDtb(A64, argv, dir));
      expect(getPropValue(fdt, "/chosen/module@0x50000000", "reg")).toEqual(
        new Uint8Array([0, 0, 0, 0, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      );
      const layout: Layout = {
        ...emptyLayout("aarch64"),
        machine: { ...emptyLayout("aarch64").machine, cpu: "cortex-a57", ram: 1n << 30n },
        modules: [{ id: "m1", addr: 0x50000000n, initrd: { path: "E", size: 0n, head: new Uint8Array(0) } }],
      };
      const d = check(layout, { qemu: q.version }).diagnostics.find((x) => x.code === "empty-file");
      expect(d).toMatchObject({ severity: "warning", qemu: "starts" });
    });
  });
}
