/**
 * QEMU command lines as real projects publish them — the text a user copies into guestmap, as it
 * stands in the source (prompts, wrappers, variables, comments and all). Each cites its source.
 * `vars` are the values a user types for variables the paste does not set (`--var`, the app's
 * form); `expect` is what import must do; `gaps` name modelling gaps owned by other issues (the
 * test then asserts the mismatch still exists, so fixing it flips the test).
 */
import type { ImportIssueCode } from "../../src/index.js";

export interface PublishedCommand {
  readonly id: string;
  /** Where it was published. */
  readonly source: string;
  readonly text: string;
  readonly vars?: Readonly<Record<string, string>>;
  /** `ok`, or the code of the import error that refuses it. */
  readonly expect: "ok" | ImportIssueCode;
  /**
   * Known differences from QEMU that another issue owns, on every QEMU or on releases starting with
   * `qemu` (e.g. "10."); the test asserts each is still there, so a fix flips it.
   */
  readonly gaps?: readonly { readonly qemu?: string; readonly why: string }[];
}

export const PUBLISHED: readonly PublishedCommand[] = [
  {
    id: "qemu-docs-guest-loader",
    source: "https://github.com/qemu/qemu/blob/HEAD/docs/system/guest-loader.rst",
    // Verbatim, |qemu_system| placeholder included: nothing there is a QEMU binary.
    text: `|qemu_system| -kernel ~/xen.git/xen/xen \\
    -append "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all" \\
    -device guest-loader,addr=0x42000000,kernel=Image,bootargs="root=/dev/sda2 ro console=hvc0 earlyprintk=xen" \\
    -device guest-loader,addr=0x47000000,initrd=rootfs.cpio`,
    expect: "unknown-program",
  },
  {
    id: "qemu-docs-guest-loader-as-run",
    source: "https://github.com/qemu/qemu/blob/HEAD/docs/system/guest-loader.rst",
    // The docs' example with the placeholder filled in as the docs say (qemu-system-aarch64); it
    // has no -M, which QEMU refuses ("No machine specified"), and ~ needs $HOME.
    text: `$ qemu-system-aarch64 -kernel ~/xen.git/xen/xen \\
    -append "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all" \\
    -device guest-loader,addr=0x42000000,kernel=Image,bootargs="root=/dev/sda2 ro console=hvc0 earlyprintk=xen" \\
    -device guest-loader,addr=0x47000000,initrd=rootfs.cpio`,
    vars: { HOME: "." },
    expect: "no-machine",
  },
  {
    id: "qemu-commit-guest-loader",
    source: "https://lore.kernel.org/qemu-devel/20210211171945.18313-5-alex.bennee@linaro.org/",
    // The commit that added guest-loader: $QEMU and $ARGS are the user's, given as --var.
    text: `$QEMU $ARGS  -kernel ~/xen.git/xen/xen \\
    -append "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all" \\
    -device guest-loader,addr=0x42000000,kernel=Image,bootargs="root=/dev/sda2 ro console=hvc0 earlyprintk=xen" \\
    -device guest-loader,addr=0x47000000,initrd=rootfs.cpio`,
    vars: { QEMU: "qemu-system-aarch64", ARGS: "-M virt,virtualization=on -cpu cortex-a57 -m 2G", HOME: "." },
    expect: "ok",
  },
  {
    id: "xen-ci-smoke-riscv64",
    source: "https://github.com/xen-project/xen/blob/HEAD/automation/scripts/qemu-smoke-riscv64.sh",
    text: `#!/bin/bash

set -ex

# Run the test
rm -f smoke.serial
set +e

export QEMU_CMD="qemu-system-riscv64 \\
    -M virt \\
    -smp 1 \\
    -nographic \\
    -m 2g \\
    -kernel binaries/xen"

export QEMU_LOG="smoke.serial"
export PASSED="All set up"

./automation/scripts/qemu-key.exp
`,
    expect: "ok",
  },
  {
    id: "xen-ci-smoke-dom0-arm64",
    source: "https://github.com/xen-project/xen/blob/HEAD/automation/scripts/qemu-smoke-dom0-arm64.sh",
    text: `export TEST_CMD="./binaries/qemu-system-aarch64 \\
    -machine virtualization=true \\
    -cpu cortex-a57 -machine type=virt \\
    -m 2048 -monitor none -serial stdio \\
    -smp 2 \\
    -no-reboot \\
    -device virtio-net-pci,netdev=n0 \\
    -netdev user,id=n0,tftp=binaries \\
    -bios /usr/lib/u-boot/qemu_arm64/u-boot.bin"

export UBOOT_CMD="virtio scan; dhcp; tftpb 0x40000000 boot.scr; source 0x40000000"`,
    expect: "ok",
  },
  {
    id: "xen-ci-dumpdtb-dom0-arm64",
    source: "https://github.com/xen-project/xen/blob/HEAD/automation/scripts/qemu-smoke-dom0-arm64.sh",
    text: `./binaries/qemu-system-aarch64 \\
   -machine virtualization=true \\
   -cpu cortex-a57 -machine type=virt \\
   -m 2048 -smp 2 -display none \\
   -machine dumpdtb=binaries/virt-gicv2.dtb`,
    expect: "ok",
  },
  {
    id: "xen-ci-smoke-dom0less-arm32",
    source: "https://github.com/xen-project/xen/blob/HEAD/automation/scripts/qemu-smoke-dom0less-arm32.sh",
    text: `# Run the test
rm -f \${serial_log}
export TEST_CMD="qemu-system-arm \\
    -machine virt \\
    -machine virtualization=true \\
    -smp 4 \\
    -m 2048 \\
    -serial stdio \\
    -monitor none \\
    -display none \\
    -no-reboot \\
    -device virtio-net-pci,netdev=n0 \\
    -netdev user,id=n0,tftp=./ \\
    -bios /usr/lib/u-boot/qemu_arm/u-boot.bin"`,
    expect: "ok",
  },
  {
    id: "xen-demos-dom0domu",
    source: "https://github.com/calinyara/xen-demos/blob/HEAD/dom0domu.sh",
    text: `#!/bin/bash

qemu-system-aarch64 \\
	-machine virt,gic_version=3 \\
	-machine virtualization=true \\
	-cpu cortex-a57 \\
	-machine type=virt \\
	-m 4096 \\
	-smp 4 \\
	-bios ./bin/u-boot.bin \\
	-device loader,file=./bin/xen,force-raw=on,addr=0x48400000 \\
	-device loader,file=./bin/virt-gicv3.dtb,addr=0x48600000 \\
	-device loader,file=./bin/dom0_Image,addr=0x40400000 \\
	-device loader,file=./bin/dom0.cpio.gz,addr=0x41A00000 \\
	-device loader,file=./bin/vm1_Image,addr=0x45E00000 \\
	-device loader,file=./bin/vm1.cpio.gz,addr=0x47400000 \\
	-device loader,file=./bin/dom0domu.scr,addr=0x40200000 \\
	-nographic
`,
    expect: "ok",
  },
  {
    id: "mtp-toybox-aarch64",
    source: "https://github.com/ARLEONTR/mtp/blob/HEAD/runtoybox-aarch64.sh",
    text: `qemu-system-aarch64 -M virt -m 1024 -cpu cortex-a53 \\
    -machine virtualization=true -machine virt,gic-version=3  \\
    -cpu max,pauth-impdef=on -smp 2 -m 4096           \\
    -device virtio-scsi-pci,id=scsi0              \\
    -object rng-random,filename=/dev/urandom,id=rng0      \\
    -device virtio-rng-pci,rng=rng0               \\
    -kernel ./obj/linux-basic/arch/arm64/boot/Image \\
    -initrd ./toybox/root/host/initramfs.cpio.gz  \\
    -drive if=none,file=hda.qcow2,format=qcow2,id=hd \\
    -device virtio-blk-pci,drive=hd \\
    -nographic -no-reboot \\
    -device virtio-net-pci,netdev=eth0 \\
    -netdev user,id=eth0,hostfwd=tcp::8022-:22  \\
    -virtfs local,path=./,mount_tag=host0,security_model=mapped,id=host0   \\
    -append "panic=1 HOST=aarch64 console=ttyAMA0 $KARGS"
      

#-initrd ./obj/initramfs-busybox.cpio.gz \\`,
    vars: { KARGS: "quiet" },
    expect: "ok",
  },
  {
    id: "raspi-hypervisor-run-sm",
    source: "https://github.com/shimomura1004/raspi_hypervisor/blob/HEAD/run_sm.sh",
    text: `#!/bin/bash

DISPLAY=:0 qemu-system-aarch64 -m 1024 -M raspi3b -device loader,file=./sm/kernel8.img,addr=0x0 -device loader,file=./hv/kernel8.img,addr=0x80000 -nographic -serial null -serial mon:stdio -drive format=raw,file=./hv/fs.img -s $*
`,
    expect: "machine-not-modelled",
  },
  {
    id: "s7-plc-bootloader",
    source: "https://github.com/D4ntae/s7-plc-qemu/blob/HEAD/exec_bootloader.sh",
    text: `./build/aarch64-softmmu/qemu-system-aarch64  \\
-M arm-generic-fdt \\
-serial mon:stdio \\
-device loader,file=./binaries/4.5.2.boot.rev,cpu-num=4 \\
-device loader,addr=0XFF5E023C,data=0x80088fde,data-len=4 \\
-device loader,addr=0xff9a0000,data=0x80000218,data-len=4 \\
-hw-dtb ./binaries/board-zynqmp-zcu1285.dtb \\
-m 4G -singlestep -d in_asm 2>&1 | tee -a siemens-asm-rev.log
`,
    expect: "machine-not-modelled",
  },
  {
    id: "blog-update-image-aarch64",
    source: "https://github.com/chenxiaosonggithub/blog/blob/HEAD/kernel/environment/aarch64/update-image.sh",
    text: `# ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- make Image
# ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- make modules_install INSTALL_MOD_PATH=mod
kernel_version=aarch64-linux

qemu-system-aarch64 \\
-smp 8 \\
-m 2048 \\
-machine virt \\
-cpu cortex-a72 \\
-kernel /home/sonvhi/chenxiaosong/code/$kernel_version/arch/arm64/boot/Image \\
--virtfs local,id=kmod_dev,path=/home/sonvhi/chenxiaosong/,security_model=none,mount_tag=9p \\
-device virtio-scsi-pci \\
-net nic,model=virtio,macaddr=00:11:22:33:44:55 \\
-net bridge,br=virbr0 \\
-drive file=aarch64-bullseye.qcow2.updating,if=none,cache=none,id=root,format=qcow2,file.locking=off \\
-device virtio-blk,drive=root,id=d_root \\
-append "nokaslr console=ttyAMA0 root=/dev/vda rw kmemleak=on" \\
-nographic \\
`,
    expect: "ok",
  },
  {
    id: "opensbi-tee-run",
    source: "https://github.com/Tert-butyllithium/opensbi-riscv-tee/blob/HEAD/run.sh",
    text: `qemu-system-riscv64 -M virt -m 256M -nographic \\
        -kernel build/platform/qemu/virt/firmware/fw_jump.elf \\
        -device loader,file=/home/prongs/src/linux/arch/riscv/boot/Image,addr=0x80200000 \\
        -drive file=/home/prongs/src/busybox/root.bin,format=raw,id=hd0 \\
        -device virtio-blk-device,drive=hd0 \\
        -append "root=/dev/vda rw console=ttyS0"
`,
    expect: "ok",
  },
  {
    id: "llama2c-riscv-bare",
    source: "https://github.com/Databingo/steps_cpu/blob/HEAD/llama2.c/qemuq.sh",
    text: `#!/bin/sh
qemu-system-riscv64 \\
    -machine virt \\
    -nographic \\
    -m 1024M \\
    -bios none \\
    -icount shift=7,align=off,sleep=off \\
    -kernel kernel_q80.bin
`,
    expect: "ok",
  },
  {
    id: "riscv-kernel-debug-start-vm",
    source: "https://github.com/magnate3/img_repo/blob/HEAD/riscv-kernel-debug/start-vm.sh",
    text: `#!/bin/sh
#-kernel ~/riscv_debug/linux-5.14/arch/riscv/boot/Image  -append "root=/dev/vda ro console=ttyS0,115200n8 earlycon=sbi" \\
qemu-system-riscv64 -nographic -machine virt  -bios fw_jump.elf    \\
     -kernel ~/riscv_debug/linux-5.14/arch/riscv/boot/Image  -append "root=/dev/vda ro console=ttyS0,115200n8 " \\
     -drive file=ubuntu-20.04.2-preinstalled-server-riscv64.img,format=raw,id=hd0 \\
     -device virtio-blk-device,drive=hd0 

#     -S -gdb tcp::1234
`,
    vars: { HOME: "." },
    expect: "ok",
  },
  {
    id: "build-riscv-start-qemu",
    source: "https://github.com/mbs0221-riscv/build-riscv/blob/HEAD/start-qemu.sh",
    text: `#!/bin/bash

cp ~/linux/arch/riscv/boot/Image ./
qemu-system-riscv64 -M virt -m 4G -nographic -bios ./fw_jump.bin -kernel ./Image -drive file=../rootfs.cpio,format=raw,id=hd0 -device virtio-blk-device,drive=hd0 -append "root=/dev/vda rw console=ttyS0"
`,
    expect: "ok",
  },
  {
    id: "lsd-limine-runner",
    source: "https://github.com/archaic-archea/LSD-limine/blob/HEAD/.cargo/runner.sh",
    text: `qemu-system-riscv64 \\
    -machine virt \\
    -cpu rv64 \\
    -bios opensbi-riscv64-generic-fw_dynamic.bin \\
    -m 256m \\
    -global virtio-mmio.force-legacy=false \\
    -s \\
    -serial stdio \\
    -kernel target/riscv64imac-unknown-none-elf/debug/risc-v-bare
`,
    expect: "ok",
  },
  {
    id: "riscv-os-run-opensbi",
    source: "https://github.com/peiyuanix/riscv-os/blob/HEAD/02-Run-OpenSBI-With-QEMU/run-opensbi.sh",
    text: `source config.sh

# Method 1: Manually load OpenSBI flat binary image directly into the address space of the guest
qemu-system-riscv64 -M virt \\
    -display none -serial stdio \\
    -bios none \\
    -device loader,file=\${BUILD_DIR}/opensbi-\${OPENSBI_VERSION}-rv-bin/share/opensbi/lp64/generic/firmware/fw_dynamic.bin,addr=0x80000000

# Method 2: Load OpenSBI flat binary image as bios
# qemu-system-riscv64 -M virt \\
#     -display none -serial stdio \\
#     -bios \${BUILD_DIR}/opensbi-\${OPENSBI_VERSION}-rv-bin/share/opensbi/lp64/generic/firmware/fw_dynamic.bin`,
    vars: { BUILD_DIR: "build", OPENSBI_VERSION: "1.2" },
    expect: "ok",
  },
  {
    id: "linux-custom-run-qemu",
    source: "https://github.com/ckdur/linux-custom/blob/HEAD/run_qemu.sh",
    text: `#!/bin/bash
BIOS_FILE=$PWD/opensbi/build/platform/generic/firmware/fw_payload.elf
if [ ! -f "$LINUX_IMAGE" ]; then
  echo "$LINUX_IMAGE does not exists. Please run_opensbi.sh."
  exit 1
fi
qemu-system-riscv64 -M virt -nographic -m 256M -bios $BIOS_FILE
`,
    expect: "undefined-variable",
  },
  {
    id: "optee-ta-ref-launch",
    source: "https://github.com/mcd500/ta-ref/blob/HEAD/test_mini/optee/scripts/launch-qemu.sh",
    text: `#!/bin/bash -x

cd \${OPTEE_DIR}/out/bin && \${OPTEE_DIR}/qemu/aarch64-softmmu/qemu-system-aarch64 \\
	-nographic \\
	-monitor none \\
	-serial mon:stdio -serial file:serial.log \\
	-smp \${SMP} \\
	-machine virt,secure=on -cpu cortex-a57 \\
	-d unimp -semihosting-config enable,target=native \\
	-m 1057 \\
	-bios bl1.bin \\
	-initrd \${OPTEE_OUTBR_DIR}/images/rootfs.cpio.gz \\
	-kernel Image -no-acpi \\
	-append 'console=ttyAMA0,38400 keep_bootcon root=/dev/vda2'; \\
    cd -
`,
    vars: { OPTEE_DIR: "/opt/optee", SMP: "2", OPTEE_OUTBR_DIR: "out-br" },
    expect: "ok",
  },
  {
    id: "oe-optee-runarm",
    source: "https://github.com/hoiho-amzn/oe-optee/blob/HEAD/runarm.sh",
    text: `#!/bin/bash

root=$(readlink -f build/tmp-glibc/sysroots-components/x86_64/qemu-system-native)
deploy=build/tmp-glibc/deploy/images/qemu-optee32

HOSTFWD=

# Add TEE serial: -serial tcp:localhost:54321
#
# Start in monitor mode (c to start CPU): -S

cd \${deploy} && \${root}/usr/bin/qemu-system-arm \\
	-nographic \\
	-s -machine virt,secure=on -cpu cortex-a15 \\
	-object rng-random,filename=/dev/urandom,id=rng0 \\
	-device virtio-rng-pci,rng=rng0,max-bytes=1024,period=1000 \\
	-netdev user,id=vmnic\${HOSTFWD} -device virtio-net-device,netdev=vmnic \\
	-m 1057 \\
	-bios optee-image-qemu-optee32.bios \\
	-d unimp -semihosting-config enable,target=native \\
	-device virtio-scsi-device,id=scsi \\
	-drive file=optee-image-qemu-optee32.ext4,id=rootimg,if=none,format=raw \\
	-device scsi-hd,drive=rootimg
`,
    vars: { root: "/usr" },
    expect: "ok",
  },
  {
    id: "learn-rust-for-linux",
    source: "https://github.com/ZR233/learn_rust_for_linux/blob/HEAD/start_qemu.sh",
    text: `#!/bin/bash

qemu/build/aarch64-softmmu/qemu-system-aarch64 \\
    -nographic \\
    -M virt \\
    -cpu cortex-a57 \\
    -smp 2 \\
    -m 4G \\
    -kernel linux-6.0.9/build/arch/arm64/boot/Image \\
    -append "nokaslr root=/dev/ram init=/linuxrc console=ttyAMA0 console=ttyS0" \\
    -initrd initrd.ext4
`,
    expect: "ok",
  },
  {
    id: "workspace-scripts-pkvm",
    source: "https://github.com/yuvraj1803/workspace-scripts/blob/HEAD/run/run-pkvm.sh",
    text: `qemu-system-aarch64 \\
-M virt,virtualization=on,gic-version=3 \\
-cpu cortex-a72 \\
-m 4G \\
-smp 2  \\
--drive file=buildroot/output/images/rootfs.ext2,if=none,format=raw,id=hd0 \\
--device virtio-blk-device,drive=hd0 \\
--kernel linux/arch/arm64/boot/Image \\
--nographic \\
--serial mon:stdio \\
--append "kvm-arm.mode=protected rootwait nokaslr root=/dev/vda rw init=/sbin/init console=ttyAMA0"
`,
    expect: "ok",
  },
  {
    id: "pitheatre-sudo-versatilepb",
    source: "https://github.com/cyphunk/pitheatre/blob/HEAD/.run_in_qemu/run.sh",
    text: `#!/usr/bin/env bash
sudo qemu-system-arm     -kernel ./qemu-rpi-kernel/kernel-qemu-4.4.13-jessie  -cpu arm1176     -m 256     -M versatilepb     -no-reboot     -append "root=/dev/sda2 panic=1 rootfstype=ext4 rw "  -net user -redir tcp:22000::22 -serial stdio -hda /dev/mmcblk0
sudo qemu-system-arm -M versatilepb -cpu arm1136-r2 -m 256 -nographic -no-reboot -kernel ./qemu-rpi-kernel/kernel-qemu-4.4.13-jessie -hda /dev/mmcblk0 -append "root=/dev/sda2 rw panic=1 PATH=/bin:/sbin console=ttyAMA0" -net nic,model=rtl8139 -net user -redir tcp:22000::22 -serial pipe:fifo 
`,
    expect: "several-commands",
  },
  {
    id: "qualcomm-hyp-emulation",
    source: "https://github.com/Qualcomm-HypX-Reversing/emulation/blob/HEAD/qemu-script-hyp.sh",
    // qcom-* are out-of-tree devices: left out of the run like the host-side options.
    text: `#!/bin/bash

./qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -kernel el3/el3_firmware.elf -machine "secure=on" -machine virtualization=on -machine gic-version=3 -machine "iommu=smmuv3" -monitor telnet:127.0.0.1:1235,server,nowait -s -S -smp 1 -d guest_errors -m 4G -device "qcom-smem" -device "qcom-misc" -device loader,file="bin/devcfg.mbn" -device loader,file="bin/hyp.mbn" -device loader,file="el1/el1_firmware.elf" -serial stdio

#-d int

#-bios el3/el3_firmware.elf
`,
    expect: "ok",
  },
];
