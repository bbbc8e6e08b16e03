import { importCommandArgv } from "@guestmap/core";
import { beforeAll, describe, expect, it } from "vitest";
import { loadRules } from "../lazy/after-map";
import { checked } from "../store/derived";
import { useGuestmap } from "../store/store";
import { applyEdit } from "./edits";
import { argsTrusted } from "./trust-args";

// A Xen command line with a disk, as people publish them: the disk is a host file QEMU opens.
const { layout } = importCommandArgv([
  "qemu-system-aarch64",
  "-M",
  "virt,virtualization=on",
  "-cpu",
  "cortex-a57",
  "-m",
  "2G",
  "-kernel",
  "xen",
  "-drive",
  "if=none,file=rootfs.ext4,format=raw,id=hd0",
  "-device",
  "virtio-blk-device,drive=hd0",
]);
// The app checks once the rules chunk is in (lazy/after-map.ts); until then a check is pending.
beforeAll(() => loadRules());

const unsafe = (trusted?: boolean) =>
  checked(layout, trusted)
    .diagnostics.filter((d) => d.code === "unsafe-option")
    .map((d) => d.severity);

describe("the trust switch", () => {
  it("vouches for the arguments it saw: equal copies yes, any change no", () => {
    const copy = layout.extraArgs.map((g) => [...g]);
    expect(argsTrusted(layout, undefined)).toBe(false);
    expect(argsTrusted(layout, layout.extraArgs)).toBe(true);
    expect(argsTrusted(layout, copy)).toBe(true);
    // One more group (accepting a link's held-back arguments), one changed, one fewer.
    expect(argsTrusted(layout, [...copy, ["-s"]])).toBe(false);
    expect(argsTrusted(layout, [copy[0]!, ["-drive", "if=none,file=other.img,format=raw,id=hd0"]])).toBe(
      false,
    );
    expect(argsTrusted(layout, copy.slice(1))).toBe(false);
    const replaced = applyEdit(layout, { type: "setExtraArgs", extraArgs: [["-s"]] });
    expect(argsTrusted(replaced, layout.extraArgs)).toBe(false);
    // The same arguments set again (another tab's copy of the layout) are still the vouched ones.
    const again = applyEdit(replaced, { type: "setExtraArgs", extraArgs: copy });
    expect(argsTrusted(again, layout.extraArgs)).toBe(true);
  });

  it("the app's check under the switch is the core's check with trustExtraArgs", () => {
    expect(unsafe(false)).toEqual(["error"]);
    expect(unsafe(true)).toEqual(["info"]);
    // The default is the store's switch now.
    useGuestmap.getState().trustSwitched(undefined);
    expect(unsafe()).toEqual(["error"]);
    useGuestmap.getState().trustSwitched(layout.extraArgs.map((g) => [...g]));
    expect(unsafe()).toEqual(["info"]);
    useGuestmap.getState().trustSwitched(undefined);
  });
});
