/**
 * Test-only: where scripts/fetch-xen-boot.sh put Debian's real Xen, Linux, busybox initramfs and
 * U-Boot. Missing files are a loud skip, or an error with GUESTMAP_REQUIRE_TOOLS=1 (CI).
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The markers the initramfs /init scripts print (scripts/fetch-xen-boot.sh). */
export const DOM0_MARKER = "GUESTMAP-DOM0-INIT-OK";
export const DOMU_MARKER = "GUESTMAP-DOMU-INIT-OK";

export interface XenBootFiles {
  readonly dir: string;
  /** Xen 4.17 (an arm64 Image), Linux 6.1 (an uncompressed arm64 Image), two initramfs, U-Boot. */
  readonly xen: string;
  readonly image: string;
  readonly dom0Cpio: string;
  readonly domuCpio: string;
  readonly ubootBin: string;
  /** Debian's mkimage (u-boot-tools), wrapped to find its libraries. */
  readonly mkimage: string;
}

let found: XenBootFiles | null | undefined;

export function xenBootFiles(): XenBootFiles | undefined {
  if (found !== undefined) return found ?? undefined;
  const dir = join(process.env.GUESTMAP_CACHE ?? join(homedir(), ".cache", "guestmap"), "xen-boot", "out");
  const files: XenBootFiles = {
    dir,
    xen: join(dir, "xen"),
    image: join(dir, "Image"),
    dom0Cpio: join(dir, "dom0.cpio"),
    domuCpio: join(dir, "domu.cpio"),
    ubootBin: join(dir, "u-boot.bin"),
    mkimage: join(dir, "mkimage"),
  };
  const missing = Object.entries(files).filter(([k, p]) => k !== "dir" && !existsSync(p));
  if (missing.length === 0) {
    found = files;
    return files;
  }
  const msg = `guestmap boot tests: Debian's Xen/Linux/busybox are not in ${dir} (run scripts/fetch-xen-boot.sh); the Xen boot suites are SKIPPED.`;
  if (process.env.GUESTMAP_REQUIRE_TOOLS === "1")
    throw new Error(`${msg} (GUESTMAP_REQUIRE_TOOLS=1 forbids skipping)`);
  process.stderr.write(`\n\x1b[1;33m*** ${msg}\x1b[0m\n\n`);
  found = null;
  return undefined;
}
