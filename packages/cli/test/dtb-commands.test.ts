/** `guestmap chosen`, `guestmap dts` and export's DTB outputs: exit codes, errors, files written. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeFdt,
  emptyLayout,
  encodeFdt,
  importDtb,
  PROFILES,
  stringValue,
  u32Value,
} from "@guestmap/core";
import { afterAll, describe, expect, it } from "vitest";
import { run as chosenRun } from "../src/commands/chosen.js";
import { run as dtsRun } from "../src/commands/dts.js";
import { writeDtbOutputs } from "../src/dtb-outputs.js";
import { UsageError } from "../src/io.js";
import { captureIo } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-dtb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "Image"), new Uint8Array(100));
writeFileSync(join(dir, "rootfs"), new Uint8Array(37));
writeFileSync(join(dir, "junk.dtb"), new Uint8Array(64).fill(7));

const capture = () => captureIo(dir);

const layoutJson = (modules: object[]) =>
  JSON.stringify({ format: "guestmap-layout", version: 1, machine: { arch: "aarch64", ram: "1G" }, modules });

describe("guestmap chosen", () => {
  it("prints the standalone tree with QEMU's /chosen for a layout file", async () => {
    writeFileSync(
      join(dir, "l.json"),
      layoutJson([
        { id: "k", addr: "0x42000000", kernel: { path: "Image" }, bootargs: "console=hvc0" },
        { id: "r", addr: "0x47000000", initrd: { path: "rootfs" } },
      ]),
    );
    const c = capture();
    expect(await chosenRun(["--qemu", "7.2", "l.json"], c.io)).toBe(0);
    // dtc 1.6.1's text for this tree (modules reversed, as QEMU 7.2 dumps them)
    expect(c.o.out).toBe(`/dts-v1/;

/ {
	#address-cells = <0x02>;
	#size-cells = <0x02>;

	chosen {

		module@0x47000000 {
			compatible = "multiboot,module\\0multiboot,ramdisk";
			reg = <0x00 0x47000000 0x00 0x25>;
		};

		module@0x42000000 {
			bootargs = "console=hvc0";
			compatible = "multiboot,module\\0multiboot,kernel";
			reg = <0x00 0x42000000 0x00 0x64>;
		};
	};
};
`);
  });

  it("with -dtb, prints that DTB's whole /chosen with QEMU's additions first; a missing -dtb is exit 2", async () => {
    const user = encodeFdt({
      version: 17,
      bootCpuId: 0,
      memReserve: [],
      root: {
        name: "",
        props: [
          { name: "#address-cells", value: u32Value(2) },
          { name: "#size-cells", value: u32Value(2) },
        ],
        children: [
          {
            name: "chosen",
            props: [{ name: "xen,xen-bootargs", value: stringValue("dom0_mem=512M") }],
            children: [
              {
                name: "domU1",
                props: [{ name: "compatible", value: stringValue("xen,domain") }],
                children: [],
              },
            ],
          },
        ],
      },
    });
    writeFileSync(join(dir, "user.dtb"), user);
    const layout = (dtb: string) =>
      JSON.stringify({
        format: "guestmap-layout",
        version: 1,
        machine: { arch: "aarch64", ram: "1G", cpu: "max" },
        kernel: { path: "Image" },
        append: "console=hvc0",
        dtb: { path: dtb },
      });
    writeFileSync(join(dir, "d.json"), layout("user.dtb"));
    const c = capture();
    expect(await chosenRun(["--qemu", "7.2", "d.json"], c.io)).toBe(0);
    expect(c.o.out).toContain(`	chosen {
		bootargs = "console=hvc0";
		xen,xen-bootargs = "dom0_mem=512M";

		domU1 {
			compatible = "xen,domain";
		};
	};`);
    writeFileSync(join(dir, "d2.json"), layout("missing.dtb"));
    await expect(chosenRun(["--qemu", "7.2", "d2.json"], capture().io)).rejects.toThrow(/missing\.dtb/);
  });

  it("a stanza QEMU refuses is exit 1 with QEMU's message", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      layoutJson([{ id: "r", addr: "0x47000000", initrd: { path: "rootfs" }, bootargs: "x" }]),
    );
    const c = capture();
    expect(await chosenRun(["--qemu", "7.2", "bad.json"], c.io)).toBe(1);
    expect(c.o.err).toMatch(
      /^guestmap chosen: error: guest-loader #1 \(r\): Boot args only relevant to kernel blobs/,
    );
    expect(c.o.out).toBe("");
  });
});

describe("guestmap dts", () => {
  it("prints a DTB; bad input is a UsageError (exit 2) naming the file", async () => {
    const layout = {
      ...emptyLayout("aarch64"),
      modules: [{ id: "k", addr: 0x1000n, kernel: { path: "K", size: 1n } }],
    };
    const r = await writeDtbOutputs({
      layout,
      profile: PROFILES["7.2"],
      dtbOut: "s.dtb",
      cwd: dir,
      inputs: [],
    });
    expect(r.ok).toBe(true);
    const c = capture();
    expect(await dtsRun(["s.dtb"], c.io)).toBe(0);
    expect(c.o.out).toMatch(/^\/dts-v1\/;\n\n\/ \{\n/);
    await expect(dtsRun(["junk.dtb"], c.io)).rejects.toThrow(
      /junk\.dtb is not a valid DTB: FDT_ERR_BADMAGIC/,
    );
    await expect(dtsRun(["nope.dtb"], c.io)).rejects.toThrow(/cannot read nope\.dtb: no such file/);
    await expect(dtsRun([], c.io)).rejects.toBeInstanceOf(UsageError);
    await expect(dtsRun(["a.dtb", "b.dtb"], c.io)).rejects.toThrow(/unexpected argument 'b\.dtb'/);
  });
});

describe("writeDtbOutputs", () => {
  const layout = {
    ...emptyLayout("aarch64"),
    modules: [{ id: "k", addr: 0x42000000n, kernel: { path: "Image", size: 100n } }],
  };
  const base = { layout, profile: PROFILES["7.2"], cwd: dir };

  it("writes a standalone DTB and an overlay, leaving no temp files", async () => {
    const r = await writeDtbOutputs({ ...base, dtbOut: "a.dtb", overlayOut: "a.dtbo", inputs: [] });
    expect(r).toEqual({ ok: true, written: [join(dir, "a.dtb"), join(dir, "a.dtbo")] });
    expect(importDtb(new Uint8Array(readFileSync(join(dir, "a.dtb")))).modules).toHaveLength(1);
    expect(decodeFdt(new Uint8Array(readFileSync(join(dir, "a.dtbo")))).root.children[0]!.name).toBe(
      "fragment@0",
    );
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("merges into a base, keeping its padded size", async () => {
    await writeDtbOutputs({ ...base, dtbOut: "padded.dtb", inputs: [] });
    const std = new Uint8Array(readFileSync(join(dir, "padded.dtb")));
    const padded = new Uint8Array(0x1000);
    padded.set(std);
    new DataView(padded.buffer).setUint32(4, 0x1000);
    writeFileSync(join(dir, "base.dtb"), padded);
    const other = {
      ...layout,
      modules: [{ id: "r", addr: 0x47000000n, initrd: { path: "rootfs", size: 37n } }],
    };
    const r = await writeDtbOutputs({
      ...base,
      layout: other,
      dtbOut: "m.dtb",
      baseDtb: "base.dtb",
      inputs: [],
    });
    expect(r.ok).toBe(true);
    const m = new Uint8Array(readFileSync(join(dir, "m.dtb")));
    expect(m.length).toBe(0x1000);
    // The core's merge policy: the base's module nodes (a base dumped with guest-loader devices
    // on the command line) give way to the layout's.
    expect(importDtb(m).modules.map((x) => x.addr)).toEqual([0x47000000n]);
    expect(r.ok && r.replaced).toEqual(["module@0x42000000"]);
  });

  it("refuses to overwrite an input and reports layout errors without writing anything", async () => {
    await expect(writeDtbOutputs({ ...base, dtbOut: "Image", inputs: [join(dir, "Image")] })).rejects.toThrow(
      /refusing to write .*Image: it is an input/,
    );
    expect(readFileSync(join(dir, "Image")).length).toBe(100);
    const bad = { ...layout, modules: [{ id: "z", addr: 0n, kernel: { path: "Image", size: 100n } }] };
    const r = await writeDtbOutputs({
      ...base,
      layout: bad,
      dtbOut: "never.dtb",
      overlayOut: "never.dtbo",
      inputs: [],
    });
    expect(r).toEqual({ ok: false, errors: [expect.stringMatching(/Need to specify the address/)] });
    expect(existsSync(join(dir, "never.dtb"))).toBe(false);
  });

  it("bad base DTBs and --base-dtb without --dtb are UsageErrors", async () => {
    await expect(
      writeDtbOutputs({ ...base, dtbOut: "x.dtb", baseDtb: "junk.dtb", inputs: [] }),
    ).rejects.toThrow(/--base-dtb junk\.dtb is not a valid DTB: FDT_ERR_BADMAGIC/);
    await expect(
      writeDtbOutputs({ ...base, dtbOut: "x.dtb", baseDtb: "none.dtb", inputs: [] }),
    ).rejects.toThrow(/cannot read --base-dtb none\.dtb: no such file/);
    await expect(writeDtbOutputs({ ...base, baseDtb: "junk.dtb", inputs: [] })).rejects.toThrow(
      /--base-dtb needs --dtb/,
    );
  });
});
