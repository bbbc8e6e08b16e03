import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importShellCommand } from "../../src/cmdline/import.js";
import { readPastedCommand } from "../../src/cmdline/paste.js";
import { splitWrappers } from "../../src/cmdline/wrappers.js";

const argv = (text: string, vars?: Record<string, string>) => readPastedCommand(text, { vars }).argv;
const codes = (text: string, vars?: Record<string, string>) =>
  importShellCommand(text, { vars }).diagnostics.map((d) => d.code);
const errors = (text: string) => importShellCommand(text).diagnostics.filter((d) => d.severity === "error");

describe("wrappers in front of QEMU", () => {
  it.each([
    ["sudo qemu-system-arm -M virt", ["sudo"]],
    ["sudo -E -u root VAR=1 qemu-system-arm -M virt", ["sudo", "-E", "-u", "root", "VAR=1"]],
    ["timeout -k 1 240 qemu-system-arm -M virt", ["timeout", "-k", "1", "240"]],
    [
      "timeout --foreground --kill-after=5 1m qemu-system-arm -M virt",
      ["timeout", "--foreground", "--kill-after=5", "1m"],
    ],
    ["exec -a q /usr/bin/qemu-system-arm -M virt", ["exec", "-a", "q"]],
    ["nice -n 19 qemu-system-arm -M virt", ["nice", "-n", "19"]],
    ["nice -10 qemu-system-arm -M virt", ["nice", "-10"]],
    ["taskset -c 0-3 qemu-system-arm -M virt", ["taskset", "-c", "0-3"]],
    ["taskset 0x3 qemu-system-arm -M virt", ["taskset", "0x3"]],
    ["env -i PATH=/bin qemu-system-arm -M virt", ["env", "-i", "PATH=/bin"]],
    ["gdb -q --args qemu-system-arm -M virt", ["gdb", "-q", "--args"]],
    [
      "numactl --cpunodebind=0 -m 0 stdbuf -oL qemu-system-arm -M virt",
      ["numactl", "--cpunodebind=0", "-m", "0", "stdbuf", "-oL"],
    ],
  ])("%s", (text, skippedWords) => {
    const words = text.split(" ");
    const w = splitWrappers(words);
    expect(words.slice(0, w.program)).toEqual(skippedWords);
    expect(argv(text)[0]).toMatch(/qemu-system-arm$/);
    expect(argv(text).slice(1)).toEqual(["-M", "virt"]);
    expect(codes(text)).toContain("wrapper-skipped");
  });

  it("says env -C changes where files resolve", () => {
    const r = importShellCommand("env -C /srv/boot qemu-system-arm -M virt -kernel zImage");
    expect(r.diagnostics.find((d) => d.severity === "warning")?.message).toContain("/srv/boot");
  });
});

describe("prompts, scripts, Makefiles", () => {
  it("strips $ and user@host prompts, and > continuation prompts", () => {
    expect(argv("$ qemu-system-arm -M virt")).toEqual(["qemu-system-arm", "-M", "virt"]);
    expect(argv("me@box:~/xen$ qemu-system-arm \\\n> -M virt")).toEqual(["qemu-system-arm", "-M", "virt"]);
    expect(argv("root@box:/# qemu-system-arm -M virt")).toEqual(["qemu-system-arm", "-M", "virt"]);
  });

  it("reads a # root prompt only when nothing else runs QEMU", () => {
    expect(argv("# qemu-system-arm -M virt \\\n#   -m 1G")).toEqual([
      "qemu-system-arm",
      "-M",
      "virt",
      "-m",
      "1G",
    ]);
    expect(argv("# qemu-system-arm -M none\nqemu-system-arm -M virt")).toEqual([
      "qemu-system-arm",
      "-M",
      "virt",
    ]);
  });

  it("expands variables set earlier in the paste, word-splitting unquoted ones like bash", () => {
    const text = [
      "#!/bin/bash",
      "set -e",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
      "IMG=${IMG:-Image}",
      "MEM=2G",
      'ARGS="-M virt -m $MEM"',
      'export APPEND="console=ttyAMA0 root=/dev/vda"',
      'qemu-system-aarch64 $ARGS -kernel "$IMG" -append "$APPEND" "$@" 2>&1 | tee boot.log',
    ].join("\n");
    const r = readPastedCommand(text);
    expect(r.argv).toEqual([
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-m",
      "2G",
      "-kernel",
      "Image",
      "-append",
      "console=ttyAMA0 root=/dev/vda",
    ]);
    const msgs = r.issues.map((i) => i.message).join("\n");
    expect(msgs).toContain("$ARGS = '-M virt -m 2G' (set on line 5)");
    expect(msgs).toContain("$@ (the script's own arguments) was taken as empty");
    expect(msgs).toContain("'2>&1'");
    expect(msgs).toContain("line 2: set");
  });

  it("lists variables without a value, and takes them from the caller (which wins)", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
    const text = 'K=Image\nqemu-system-aarch64 -M virt -kernel $K -initrd ${INITRD} -append "root=$ROOT"';
    const r = importShellCommand(text);
    expect(r.missingVariables).toEqual(["INITRD", "ROOT"]);
    expect(r.diagnostics.find((d) => d.code === "undefined-variable")?.message).toContain(
      "--var INITRD=… --var ROOT=…",
    );
    expect(r.layout.kernel).toBeUndefined();
    const ok = importShellCommand(text, { vars: { INITRD: "rootfs.cpio", ROOT: "/dev/vda", K: "xen" } });
    expect(ok.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(ok.layout.kernel?.path).toBe("xen");
    expect(ok.layout.initrd?.path).toBe("rootfs.cpio");
    expect(ok.layout.append).toBe("root=/dev/vda");
  });

  it("never runs $(…) or backticks: a variable set from one has no value", () => {
    const r = importShellCommand(
      "DIR=$(dirname $0)\nqemu-system-aarch64 -M virt -kernel $DIR/Image -dtb `ls *.dtb`",
    );
    expect(r.missingVariables).toEqual(["DIR"]);
    const m = r.diagnostics.map((d) => d.message).join("\n");
    expect(m).toContain("DIR is set from $(dirname $0), which guestmap does not run");
    expect(m).toContain("`ls *.dtb` would run a command");
    expect(r.layout.kernel).toBeUndefined();
  });

  it('reads export QEMU_CMD="…" and a command behind $QEMU', () => {
    expect(argv('export QEMU_CMD="qemu-system-riscv64 -M virt -m 1G"')).toEqual([
      "qemu-system-riscv64",
      "-M",
      "virt",
      "-m",
      "1G",
    ]);
    expect(argv("QEMU=/opt/q/bin/qemu-system-riscv64\n$QEMU -M virt")).toEqual([
      "/opt/q/bin/qemu-system-riscv64",
      "-M",
      "virt",
    ]);
    expect(importShellCommand("$QEMU -M virt -kernel Image").missingVariables).toEqual(["QEMU"]);
  });

  it("reads a Makefile's QEMU recipe with make's variables", () => {
    const mk = [
      "QEMU ?= qemu-system-aarch64",
      "MEM := 1G",
      "KERNEL = $(BUILD)/Image",
      "BUILD = out",
      "",
      "all: $(KERNEL)",
      "\t$(MAKE) -C linux",
      "",
      "run: all",
      "\t@$(QEMU) -M virt -m $(MEM) \\",
      "\t  -kernel $(KERNEL) -append 'console=ttyAMA0 $$HOME'",
    ].join("\n");
    expect(argv(mk)).toEqual([
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-m",
      "1G",
      "-kernel",
      "out/Image",
      "-append",
      "console=ttyAMA0 $HOME",
    ]);
    expect(importShellCommand("run:\n\t$(QEMU_BIN) -M virt").missingVariables).toEqual(["QEMU_BIN"]);
  });

  it("reads a recipe line copied alone from a Makefile", () => {
    const r = importShellCommand("\t@$(QEMU) -M virt -m $(MEM) -kernel $(KERNEL) -append 'a $$HOME'\n", {
      vars: { QEMU: "qemu-system-riscv64", MEM: "1G" },
    });
    expect(r.missingVariables).toEqual(["KERNEL"]);
    const ok = importShellCommand("\t@$(QEMU) -M virt -m $(MEM) -kernel $(KERNEL) -append 'a $$HOME'\n", {
      vars: { QEMU: "qemu-system-riscv64", MEM: "1G", KERNEL: "Image" },
    });
    expect(ok.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(ok.layout.kernel?.path).toBe("Image");
    expect(ok.layout.append).toBe("a $HOME");
    // A tab-indented shell paste keeps its $(pwd): a command, never run.
    expect(codes("\tqemu-system-riscv64 -M virt -kernel $(pwd)/Image")).toContain("command-substitution");
  });

  it("the app's shell-script export reads back", () => {
    const script =
      "#!/bin/sh\n# QEMU command generated by guestmap; run it next to the files it names.\nexec qemu-system-aarch64 \\\n  -M virt \\\n  -m 2G \\\n  -device guest-loader,addr=0x48000000,kernel=Image\n";
    const r = importShellCommand(script);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["wrapper-skipped"]);
    expect(r.layout.modules).toHaveLength(1);
  });
});

describe("what import refuses", () => {
  it("a commented-out option inside a \\ continuation is named as such", () => {
    const e = errors("qemu-system-aarch64 -M virt \\\n  # -cpu max \\\n  -m 2G \\\n  -kernel Image");
    expect(e).toHaveLength(1);
    expect(e[0]!.message).toContain("cut off from the QEMU command by the comment on line 2 (# -cpu max \\)");
    expect(e[0]!.message).not.toContain("end line");
  });

  it("a missing \\ is named as such", () => {
    expect(errors("qemu-system-aarch64 -M virt\n  -m 2G")[0]!.message).toContain("end line 1 with `\\`");
  });

  it("two QEMU commands, an x86 command, garbage: an error and an empty layout", () => {
    expect(codes("qemu-system-arm -M virt\nqemu-system-arm -M virt -m 1G")).toEqual(["several-commands"]);
    const x86 = importShellCommand("qemu-system-x86_64 -M q35 -m 2G -kernel bzImage");
    expect(x86.diagnostics[0]!.message).toContain("x86 machines");
    expect(x86.layout.kernel).toBeUndefined();
    expect(codes("hello world")).toContain("unknown-program");
    expect(codes("ls\ncd /tmp")).toEqual(["unknown-program"]);
  });

  it("addr=1184M is refused as QEMU refuses it (Parameter 'addr' expects integer), never read as 0", () => {
    const r = importShellCommand("qemu-system-aarch64 -M virt -m 2G -device loader,file=a.bin,addr=1184M");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["bad-integer"]);
    expect(r.layout.loaders).toEqual([]);
    expect(r.layout.extraArgs).toEqual([]);
  });

  it("versioned virt types are virt; others are not modelled", () => {
    expect(errors("qemu-system-aarch64 -M virt-7.2,gic-version=3")).toEqual([]);
    expect(errors("qemu-system-arm -machine type=virt-10.0")).toEqual([]);
    expect(codes("qemu-system-aarch64 -M frob")).toEqual(["machine-not-modelled"]);
    expect(codes("qemu-system-aarch64 -M raspi3b")).toEqual(["machine-not-modelled"]);
    expect(codes("qemu-system-aarch64 -M virt-2.5")).toEqual(["machine-not-modelled"]);
    expect(codes("qemu-system-riscv64 -M virt-7.2")).toEqual(["machine-not-modelled"]);
    expect(codes("qemu-system-riscv64 -M sifive_u")).toEqual(["machine-not-modelled"]);
    // -M none with guest-loader: QEMU's refusal is modelled (no-fdt-machine), not "not modelled".
    expect(errors("qemu-system-aarch64 -M none -device guest-loader,addr=0x1000,initrd=r")).toEqual([]);
    expect(codes("qemu-system-aarch64 -M none -kernel k")).toEqual(["machine-not-modelled"]);
  });
});

describe("bash's += append", () => {
  it("builds flags line by line", () => {
    const text = 'P="-M virt"\nP+=" -m 1G"\nP+=" -smp 2"\nqemu-system-aarch64 $P';
    expect(argv(text)).toEqual(["qemu-system-aarch64", "-M", "virt", "-m", "1G", "-smp", "2"]);
  });
});

describe("never throws on what users paste", () => {
  it("importShellCommand returns issues for any text, never an exception", () => {
    const pieces = fc.constantFrom(
      "qemu-system-aarch64 ",
      "sudo ",
      "timeout -k 1 ",
      "env -u X ",
      "$X",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text
      "${Y:-z}",
      "$(",
      ")",
      "`",
      "'",
      '"',
      "\\\n",
      "\n",
      "# ",
      "$ ",
      "A=1 ",
      "A+=2 ",
      "|",
      "&&",
      ";",
      ">",
      "2>&1",
      "-M virt ",
      "\t",
      "run:\n\t",
      "$(M)",
      "-device guest-loader,addr=1184M ",
      "~/",
      "*",
      "{",
      "}",
      "(",
      'export Q="qemu-system-arm -M virt"\n',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 30 }), (parts) => {
        const r = importShellCommand(parts.join(""), { vars: { X: "x y" } });
        if (r.diagnostics.some((d) => d.severity === "error")) expect(r.layout.modules).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
