import { formatCommand } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { shellRuns } from "./shell-words";

describe("shellRuns", () => {
  it("keeps each argument whole, quotes and all, and joins back to the text", () => {
    const groups = [
      ["qemu-system-aarch64", "-M", "virt"],
      ["-append", "dom0_mem=1G it's"],
      ["-device", "guest-loader,addr=0x42000000,kernel=Image,bootargs=root=/dev/sda2 ro"],
      ["-device", "loader,file=a\u0007b"],
    ];
    for (const format of ["line", "multiline"] as const) {
      const text = formatCommand(groups, format);
      const runs = shellRuns(text);
      expect(runs.map((r) => r.text).join("")).toBe(text);
      const words = runs.filter((r) => !r.space).map((r) => r.text);
      expect(words).toContain("'dom0_mem=1G it'\\''s'");
      expect(words).toContain("'guest-loader,addr=0x42000000,kernel=Image,bootargs=root=/dev/sda2 ro'");
      expect(words.some((w) => w.startsWith("$'loader,file=a"))).toBe(true);
    }
  });
});
