/**
 * Sample layouts, each a story a hypervisor developer recognises. Their blobs are generated in
 * the browser (demo-blob.ts) with real headers and realistic sizes.
 */
import { type Blob as FileRef, GiB, type Layout } from "@guestmap/core";
import { arm64Image, type DemoBlob, newcCpio, riscvImage, xenImage } from "./demo-blob";

export interface Sample {
  readonly id: string;
  readonly title: string;
  /** One sentence: what the sample shows. */
  readonly story: string;
  readonly layout: Layout;
  readonly blobs: readonly DemoBlob[];
}

function ref(d: DemoBlob): FileRef {
  return { path: d.path, size: d.size, head: d.head };
}

const XEN_APPEND = "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all";
const DOM0_BOOTARGS = "root=/dev/sda2 ro console=hvc0 earlyprintk=xen";

function xenAarch64(opts: { rootfsSize: bigint; image?: DemoBlob; rootfsAt?: bigint }): {
  layout: Layout;
  blobs: DemoBlob[];
} {
  // Sizes and header fields of Debian 12's xen-hypervisor-4.17-arm64 and linux-image-6.1.0-57-arm64,
  // the files the boot tests boot (scripts/fetch-xen-boot.sh, packages/cli/boot/).
  const xen = xenImage({ path: "xen", size: 0xf0008n, imageSize: 0x1360c8n });
  const image =
    opts.image ??
    arm64Image({
      path: "Image",
      size: 0x1f6dfc0n,
      imageSize: 0x2010000n,
      banner: "Linux version 6.1.0-57-arm64 (debian-kernel@lists.debian.org) #1 SMP Debian 6.1.192-3",
    });
  const rootfs = newcCpio({ path: "rootfs.cpio", size: opts.rootfsSize });
  const layout: Layout = {
    machine: {
      arch: "aarch64",
      type: "virt",
      props: [["virtualization", "on"]],
      ram: 2n * GiB,
      cpu: "cortex-a57",
      bios: { kind: "default" },
    },
    kernel: ref(xen),
    append: XEN_APPEND,
    modules: [
      { id: "m1", addr: 0x42000000n, kernel: ref(image), bootargs: DOM0_BOOTARGS },
      { id: "m2", addr: opts.rootfsAt ?? 0x47000000n, initrd: ref(rootfs) },
    ],
    loaders: [],
    extraArgs: [],
  };
  return { layout, blobs: [xen, image, rootfs] };
}

function riscv64(): { layout: Layout; blobs: DemoBlob[] } {
  const xen = xenImage({ path: "xen", size: 0x9c4a0n, imageSize: 0x200000n, arch: "riscv64" });
  const image = riscvImage({
    path: "Image",
    size: 0x1553000n,
    imageSize: 0x1690000n,
    banner: "Linux version 6.6.15 (riscv64) #1 SMP",
  });
  const rootfs = newcCpio({ path: "rootfs.cpio", size: 0x4a1c00n });
  const layout: Layout = {
    machine: { arch: "riscv64", type: "virt", props: [], ram: 2n * GiB, bios: { kind: "default" } },
    kernel: ref(xen),
    append: "dom0_mem=512M console=dtuart",
    modules: [
      { id: "m1", addr: 0x84000000n, kernel: ref(image), bootargs: "root=/dev/vda ro console=hvc0" },
      { id: "m2", addr: 0x88000000n, initrd: ref(rootfs) },
    ],
    loaders: [],
    extraArgs: [],
  };
  return { layout, blobs: [xen, image, rootfs] };
}

export const SAMPLES: readonly Sample[] = [
  {
    id: "xen-aarch64",
    title: "Xen on aarch64 virt",
    story: "Xen as -kernel, a dom0 Image and its rootfs as guest-loader modules; no problems.",
    // The busybox-static initramfs the boot tests build.
    ...xenAarch64({ rootfsSize: 0x1c3200n }),
  },
  {
    id: "xen-aarch64-big-rootfs",
    title: "24 MiB rootfs under QEMU's DTB",
    story: "The rootfs crosses 0x48000000, where QEMU writes its DTB without a word.",
    ...xenAarch64({ rootfsSize: 24n << 20n }),
  },
  {
    id: "riscv64-opensbi",
    title: "RISC-V 64 with OpenSBI",
    story: "OpenSBI from -bios default, Xen as -kernel, a dom0 Image and rootfs as modules.",
    ...riscv64(),
  },
  {
    id: "bss-overlap",
    title: "Xen's BSS over the rootfs",
    story:
      "Xen's image_size (0x1360c8) runs past its 0xf0008-byte file into the rootfs at 0x40320000: Xen clears its BSS there before it reads the module.",
    ...xenAarch64({ rootfsSize: 0x1c3200n, rootfsAt: 0x40320000n }),
  },
];

export const DEFAULT_SAMPLE: Sample = SAMPLES[0]!;

/** The demo blob a sample provides for `path` with this size, if any (to rebuild its bytes after a reload). */
export function findDemoBlob(path: string, size: bigint | undefined): DemoBlob | undefined {
  for (const s of SAMPLES) for (const b of s.blobs) if (b.path === path && b.size === size) return b;
  return undefined;
}
