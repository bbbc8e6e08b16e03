import { describe, expect, it } from "vitest";
import { importArgv } from "../src/cmdline/import.js";
import { check } from "../src/rules/check.js";

const notChecked = (args: string[], qemu: "7.2" | "9.2" = "7.2") =>
  check(importArgv(["qemu-system-aarch64", "-M", "virt", "-m", "1G", ...args]).layout, {
    qemu,
  }).diagnostics.filter((d) => d.code === "not-checked");

describe("options outside the model are listed, never counted as fine", () => {
  it("lists machine properties, cpu properties, -global, -numa and unknown options", () => {
    const ds = notChecked([
      "-M",
      "virt,secure=on,virtualization=on",
      "-cpu",
      "max,sve=off,pauth-impdef=on",
      "-global",
      "virtio-mmio.force-legacy=false",
      "-numa",
      "node,nodeid=0",
      "-frobnicate",
      "x",
    ]);
    const text = ds.map((d) => d.message).join("\n");
    expect(ds.every((d) => d.severity === "info")).toBe(true);
    expect(text).toContain("-M secure=on");
    expect(text).not.toContain("virtualization");
    expect(text).toContain("-cpu properties sve=off,pauth-impdef=on");
    expect(text).toContain("'-global virtio-mmio.force-legacy=false'");
    expect(text).toContain("-numa changes the memory nodes");
    expect(text).toContain("guestmap does not know -frobnicate");
    expect(ds).toHaveLength(5);
  });

  it("says nothing about options that load nothing (serial, display, network, disks)", () => {
    expect(
      notChecked([
        "-nographic",
        "-serial",
        "mon:stdio",
        "-netdev",
        "user,id=n0",
        "-drive",
        "if=none,file=d.img,id=d",
      ]),
    ).toEqual([]);
    expect(notChecked(["-drive", "if=pflash,file=flash.img"])[0]!.message).toContain("flash");
  });

  it("a removed option is an error where QEMU refuses it, a deprecation before", () => {
    const old = notChecked(["-no-acpi"], "7.2");
    expect(old[0]).toMatchObject({ severity: "warning" });
    expect(old[0]!.message).toContain("-machine acpi=off");
    const removed = notChecked(["-no-acpi"], "9.2");
    expect(removed[0]).toMatchObject({ severity: "error", qemu: "refuses" });
    expect(notChecked(["-realtime", "mlock=off"], "7.2")[0]).toMatchObject({
      severity: "error",
      qemu: "refuses",
    });
  });
});
