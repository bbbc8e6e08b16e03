/**
 * Published QEMU command lines (published/commands.ts), pasted as users paste them, judged by
 * every real QEMU installed (7.2 on PATH, 10.0.2 from scripts/install-qemu-10.sh).
 *
 * Each importable one is imported (wrappers, prompts and variables as the user's paste has them),
 * its files replaced by generated stand-ins of realistic sizes (a 20 MiB arm64 Image, a 6 MiB
 * cpio, a 700 KiB U-Boot…), exported again with guestmap's exporter and run: QEMU's `info roms`
 * must equal guestmap's placements, QEMU must refuse exactly when `check` says it will, and the
 * /chosen QEMU writes must hold the imported -append and guest-loader modules. Options that only
 * attach host resources (serial, monitor, display, network, disks, 9p, gdb) are left out of the
 * run: they load nothing into guest memory, and they need host resources a test cannot have.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Arch,
  check,
  decodeFdt,
  exportArgv,
  findNode,
  formatQemuOpts,
  importShellCommand,
  type Layout,
  type LayoutBlob,
  moduleFile,
  parseQemuOpts,
  type QemuVersion,
} from "../src/index.js";
import { arm64Image, cpioBlob, elfKernel, rawBlob, riscvImage, zImage } from "../test/fixtures/kernels.js";
import { romName } from "./layouts.js";
import { PUBLISHED, type PublishedCommand } from "./published/commands.js";
import { dumpDtb, infoRoms, type QemuInstall, QemuRefused, qemuInstalls } from "./qemu.js";

const MiB = 1 << 20;
const root = mkdtempSync(join(tmpdir(), "guestmap-published-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Host-side options: left out of the QEMU run (see the file comment). */
const HOST_SIDE = new Set(
  "serial monitor mon qmp chardev nographic display vnc spice netdev net nic drive blockdev virtfs fsdev gdb s S daemonize pidfile".split(
    " ",
  ),
);

function firmwareSize(install: QemuInstall, arch: Arch): bigint | null | undefined {
  if (!arch.startsWith("riscv")) return undefined;
  const share = install.dir ? join(install.dir, "../root/usr/share/qemu") : "/usr/share/qemu";
  const p = join(share, `opensbi-${arch}-generic-fw_dynamic.bin`);
  return existsSync(p) ? BigInt(statSync(p).size) : null;
}

/** A stand-in for a file a published command names: its kind from its role and name, realistic size. */
function standIn(
  arch: Arch,
  role: "kernel" | "initrd" | "bios" | "dtb" | "loader",
  name: string,
): Uint8Array {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const riscv = arch.startsWith("riscv");
  if (role === "loader") {
    if (/Image/.test(base)) return rawBlob(20 * MiB, 11);
    if (/cpio|rootfs/.test(base)) return rawBlob(6 * MiB, 12);
    if (base === "xen") return rawBlob(MiB + 4096, 13);
    if (/\.scr$/.test(base)) return rawBlob(2048, 14);
    return rawBlob(270 * 1024, 15);
  }
  if (role === "initrd") return cpioBlob(/\.ext4$/.test(base) ? 16 * MiB : 6 * MiB);
  if (role === "bios") {
    if (/\.elf$/.test(base))
      return elfKernel(riscv ? 243 : 183, 64, [{ paddr: 0x80000000n, filesz: 200_000, memsz: 240_000 }]);
    return rawBlob(/u-boot/.test(base) ? 700 * 1024 : /\.bios$/.test(base) ? 2 * MiB : 260 * 1024, 16);
  }
  // -kernel
  if (/\.elf$/.test(base)) {
    const paddr = riscv ? 0x80000000n : 0x40080000n;
    return elfKernel(riscv ? 243 : 183, arch === "arm" || arch === "riscv32" ? 32 : 64, [
      { paddr, filesz: 300_000, memsz: 400_000 },
    ]);
  }
  if (base === "xen")
    return riscv ? riscvImage(MiB, 2n * BigInt(MiB)) : arm64Image(MiB, 0n, 2n * BigInt(MiB));
  if (/Image/.test(base))
    return riscv ? riscvImage(20 * MiB, 22n * BigInt(MiB)) : arm64Image(20 * MiB, 0n, 22n * BigInt(MiB));
  if (arch === "arm") return zImage(5 * MiB);
  return rawBlob(128 * 1024, 17);
}

/** Writes a stand-in for every file the layout names, under `dir`, and points the layout at them. */
function materialise(layout: Layout, dir: string): Layout {
  const arch = layout.machine.arch;
  const put = (b: LayoutBlob, role: Parameters<typeof standIn>[1]): LayoutBlob => {
    const rel = b.path.replace(/^\/+/, "abs/").replace(/\.\.\//g, "up/");
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    const bytes = standIn(arch, role, b.path);
    writeFileSync(path, bytes);
    return { path: rel, size: BigInt(bytes.length), head: bytes.subarray(0, 4096) };
  };
  const m = layout.machine;
  return {
    ...layout,
    machine: {
      ...m,
      // dumpdtb= makes QEMU exit after writing the DTB: nothing would be loaded to compare.
      props: m.props.filter(([k]) => k !== "dumpdtb"),
      bios: m.bios.kind === "file" ? { kind: "file", file: put(m.bios.file, "bios") } : m.bios,
    },
    ...(layout.kernel && { kernel: put(layout.kernel, "kernel") }),
    ...(layout.initrd && { initrd: put(layout.initrd, "initrd") }),
    ...(layout.dtb && { dtb: put(layout.dtb, "dtb") }),
    modules: layout.modules.map((x) => ({
      ...x,
      ...(x.kernel && { kernel: put(x.kernel, "loader") }),
      ...(x.initrd && { initrd: put(x.initrd, "loader") }),
    })),
    loaders: layout.loaders.map((l) => ({ ...l, file: put(l.file, "loader") })),
    extraArgs: layout.extraArgs
      .filter((g) => {
        const name = g[0]?.replace(/^--?/, "") ?? "";
        if (HOST_SIDE.has(name)) return false;
        // Devices that need a host backend (disks, NICs, 9p) or are out of tree; loaders stay.
        if (name === "device") return /^loader(,|$)/.test(g[1] ?? "");
        return true;
      })
      .map((g) => {
        // Loader forms guestmap does not place still name files: give them stand-ins too.
        if (g[0]?.replace(/^--?/, "") !== "device" || !/^loader(,|$)/.test(g[1] ?? "")) return g;
        const props = parseQemuOpts(g[1]!, "driver").map((q): [string, string] =>
          q.key === "file" ? ["file", put({ path: q.value }, "loader").path] : [q.key, q.value],
        );
        return [g[0], formatQemuOpts(props, "driver")];
      }),
  };
}

/** Everything one QEMU says about a fixture, next to what guestmap says. */
function judge(p: PublishedCommand, install: QemuInstall): string[] {
  const r = importShellCommand(p.text, { vars: p.vars });
  const layout0 = r.layout;
  const dir = mkdtempSync(join(root, `${p.id}-`));
  const layout = materialise(layout0, dir);
  const arch = layout.machine.arch;
  const exported = exportArgv(layout);
  if (!exported.ok) return [`export refused: ${exported.issues.map((i) => i.message).join("; ")}`];
  const argv = exported.argv.slice(1);
  const { placement, diagnostics } = check(layout, {
    qemu: install.version as QemuVersion,
    firmwareSize: firmwareSize(install, arch),
  });
  const refuses = diagnostics.some((d) => d.qemu === "refuses");
  const problems: string[] = [];
  let roms: { name: string; addr: bigint; size: bigint }[] | undefined;
  try {
    roms = infoRoms(install.binary(arch), argv, dir).map((x) => ({
      name: romName(x.name),
      addr: x.addr,
      size: x.size,
    }));
  } catch (e) {
    if (!(e instanceof QemuRefused)) throw e;
    if (!refuses)
      problems.push(`QEMU ${install.version} refused but guestmap said it starts: ${e.stderr.trim()}`);
    return problems;
  }
  if (refuses)
    problems.push(
      `guestmap said QEMU ${install.version} refuses (${diagnostics
        .filter((d) => d.qemu === "refuses")
        .map((d) => d.code)
        .join()}) but it started`,
    );
  const order = (a: { addr: bigint; name: string }, b: { addr: bigint; name: string }) =>
    a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.name.localeCompare(b.name);
  // ARM's -bios goes into flash0 itself: infoRoms places it at the bank's base, as guestmap does.
  const ours = placement.regions.map((x) => ({ name: x.name, addr: x.addr, size: x.size })).sort(order);
  roms.sort(order);
  const show = (xs: typeof ours) =>
    xs.map((x) => `${x.name}@0x${x.addr.toString(16)}+0x${x.size.toString(16)}`).join(" ");
  if (show(ours) !== show(roms))
    problems.push(
      `placements differ on QEMU ${install.version}:\n  guestmap ${show(ours)}\n  QEMU     ${show(roms)}`,
    );

  // /chosen as QEMU writes it must carry what the import read (no -dtb: QEMU's own DTB).
  if (!layout.dtb && (layout.kernel || layout.modules.length > 0)) {
    const fdt = decodeFdt(dumpDtb(install.binary(arch), argv, dir));
    const chosen = findNode(fdt.root, "/chosen");
    const text = (node: typeof chosen, prop: string) => {
      const v = node?.props.find((x) => x.name === prop)?.value;
      return v ? new TextDecoder().decode(v.subarray(0, Math.max(0, v.length - 1))) : undefined;
    };
    if (layout.append !== undefined && layout.kernel && text(chosen, "bootargs") !== layout.append)
      problems.push(`/chosen/bootargs is '${text(chosen, "bootargs")}', the import read '${layout.append}'`);
    for (const m of layout.modules) {
      // QEMU names them module@0x… (7.2) or module@… — either way the unit address is addr.
      const node = chosen?.children.find(
        (c) => c.name.replace("@0x", "@") === `module@${m.addr.toString(16)}`,
      );
      if (!node)
        problems.push(`QEMU wrote no /chosen/module@${m.addr.toString(16)} for ${moduleFile(m)?.path}`);
      else if (m.bootargs !== undefined && text(node, "bootargs") !== m.bootargs)
        problems.push(`module@${m.addr.toString(16)} bootargs '${text(node, "bootargs")}' ≠ '${m.bootargs}'`);
    }
  }
  return problems;
}

const installs = qemuInstalls();

describe("published command lines: import", () => {
  it.each(PUBLISHED.map((p) => [p.id, p] as const))("%s imports as expected", (_id, p) => {
    const r = importShellCommand(p.text, { vars: p.vars });
    const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
    if (p.expect === "ok") expect(errors, r.diagnostics.map((d) => d.message).join("\n")).toEqual([]);
    else {
      expect(errors).toContain(p.expect);
      // Nothing half-understood reaches a layout.
      expect(r.layout.kernel ?? r.layout.modules[0] ?? r.layout.loaders[0]).toBeUndefined();
    }
  });
});

for (const install of installs)
  describe(`published command lines: guestmap vs QEMU ${install.version}`, () => {
    for (const p of PUBLISHED.filter((x) => x.expect === "ok")) {
      const gap = p.gaps?.find((g) => g.qemu === undefined || install.version.startsWith(g.qemu))?.why;
      const test = gap ? it.fails : it;
      test(`${p.id}${gap ? ` (known gap: ${gap})` : ""}`, () => {
        const problems = judge(p, install);
        expect(problems, problems.join("\n")).toEqual([]);
      });
    }
  });
