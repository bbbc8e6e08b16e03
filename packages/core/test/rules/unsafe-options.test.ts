/**
 * Extra arguments that make QEMU run programs, touch host files, listen on the network or change
 * privileges: each is an error in check. The inputs are the forms users and attackers write
 * (QemuOpts, JSON, `mon:` prefixes, `--` long forms); the safe ones are what real Xen and Linux
 * command lines carry.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, findUnsafeOptions, importArgv } from "../../src/index.js";

const risks = (...args: string[]) =>
  findUnsafeOptions(importArgv(["qemu-system-aarch64", "-M", "virt", ...args]).layout.extraArgs).map(
    (u) => u.risk,
  );

describe("unsafe options", () => {
  it.each([
    [["-incoming", "exec:sh -c 'touch /tmp/pwned'"], ["runs-program"]],
    [["--incoming", "exec:cat /tmp/state"], ["runs-program"]],
    [["-incoming", "file:/tmp/state"], ["host-file"]],
    [["-incoming", "tcp:0:4444"], ["network"]],
    [["-netdev", "tap,id=n0,script=/tmp/evil.sh"], ["runs-program"]],
    [["-netdev", "tap,id=n0,script=no,downscript=/tmp/down.sh"], ["runs-program"]],
    [["-netdev", "tap,id=n0"], ["runs-program"]],
    [["-netdev", "bridge,id=n0,br=br0"], ["runs-program"]],
    [["-netdev", "user,id=n0,guestfwd=tcp:10.0.2.100:1234-cmd:/bin/sh"], ["runs-program"]],
    [["-netdev", "user,id=n0,smb=/home"], ["runs-program"]],
    [["-netdev", "user,id=n0,hostfwd=tcp::2222-:22"], ["network"]],
    [["-netdev", "user,id=n0,tftp=/srv/tftp"], ["host-file"]],
    [["-nic", "tap,script=/tmp/x"], ["runs-program"]],
    [["-chardev", "socket,id=c0,path=/tmp/s,server=on,wait=off"], ["host-file"]],
    [["-chardev", "socket,id=c0,host=0.0.0.0,port=4444,server=on"], ["network"]],
    [["-chardev", "file,id=c1,path=/home/u/.bashrc"], ["host-file"]],
    [["-chardev", "pipe,id=c2,path=/tmp/p"], ["host-file"]],
    [["-serial", "pipe:/tmp/p"], ["host-file"]],
    [["-serial", "file:/etc/passwd"], ["host-file"]],
    [["-serial", "mon:unix:/tmp/mon,server,nowait"], ["host-file"]],
    [["-serial", "/dev/ttyS0"], ["host-file"]],
    [["-serial", "tcp::4444,server"], ["network"]],
    [["-monitor", "telnet::4444,server,nowait"], ["network"]],
    [["-qmp", "unix:/tmp/qmp.sock,server,wait=off"], ["host-file"]],
    [["-gdb", "tcp::1234"], ["network"]],
    [["-s"], ["network"]],
    [["-plugin", "/tmp/evil.so,arg=1"], ["runs-program"]],
    [["-object", "memory-backend-file,id=m,size=1G,mem-path=/dev/shm/x"], ["host-file"]],
    [["-object", '{"qom-type":"secret","id":"s","file":"/root/.ssh/id_rsa"}'], ["host-file"]],
    [["-drive", "file=rootfs.img,if=none,format=raw,id=hd0"], ["host-file"]],
    [
      ["-blockdev", '{"driver":"raw","node-name":"x","file":{"driver":"file","filename":"/etc/shadow"}}'],
      ["host-file"],
    ],
    [["-hda", "disk.qcow2"], ["host-file"]],
    [["-virtfs", "local,path=/,mount_tag=host,security_model=none"], ["host-file"]],
    [["-semihosting"], ["host-file"]],
    [["-vnc", ":0"], ["network"]],
    [["-run-with", "chroot=/srv,user=nobody"], ["privileges"]],
    [["-pidfile", "/etc/motd"], ["host-file"]],
    [["-readconfig", "/tmp/evil.cfg"], ["host-file"]],
  ])("%j → %j", (args, want) => {
    expect(risks(...args)).toEqual(want);
  });

  it.each([
    [["-serial", "mon:stdio"]],
    [["-serial", "stdio"]],
    [["-nographic"]],
    [["-display", "none"]],
    [["-monitor", "none"]],
    [["-netdev", "user,id=n0"]],
    [["-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no"]],
    [["-device", "virtio-net-pci,netdev=n0"]],
    [["-device", "virtio-blk-device,drive=hd0"]],
    [["-smp", "4"]],
    [["-chardev", "stdio,id=c0,mux=on"]],
    [["-vnc", "none"]],
    [["-incoming", "defer"]],
  ])("safe: %j", (args) => {
    expect(risks(...args)).toEqual([]);
  });

  it("check reports each as an error naming the option, the risk and what QEMU does", () => {
    const layout = importArgv([
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-m",
      "1G",
      "-incoming",
      "exec:sh -c 'touch /tmp/pwned'",
    ]).layout;
    const d = check(layout).diagnostics.filter((x) => x.code === "unsafe-option");
    expect(d).toEqual([
      {
        severity: "error",
        code: "unsafe-option",
        qemu: "starts",
        message:
          "-incoming exec:sh -c 'touch /tmp/pwned' runs a program on the host: QEMU runs the shell command sh -c 'touch /tmp/pwned'. Keep it only if you wrote it or trust where the layout came from, and say so with --trust-args (guestmap check and export) or the app's trust switch (Diagnostics); it is then a note. Otherwise remove the argument.",
        regions: [],
      },
    ]);
  });

  it("trustExtraArgs (--trust-args) makes each a note that still names the risk, and nothing else changes", () => {
    // A published RISC-V command line with a disk (opensbi-riscv-tee run.sh): ordinary, and a host file.
    const layout = importArgv([
      "qemu-system-riscv64",
      "-M",
      "virt",
      "-m",
      "256M",
      "-drive",
      "file=/home/prongs/src/busybox/root.bin,format=raw,id=hd0",
      "-device",
      "virtio-blk-device,drive=hd0",
    ]).layout;
    const plain = check(layout).diagnostics;
    const trusted = check(layout, { trustExtraArgs: true }).diagnostics;
    const unsafe = (ds: typeof plain) => ds.filter((d) => d.code === "unsafe-option");
    expect(unsafe(plain).map((d) => d.severity)).toEqual(["error"]);
    expect(unsafe(trusted)).toEqual([
      {
        severity: "info",
        code: "unsafe-option",
        qemu: "starts",
        message:
          "-drive file=/home/prongs/src/busybox/root.bin,format=raw,id=hd0 touches host files: QEMU opens host files (file=/home/prongs/src/busybox/root.bin). Trusted (--trust-args, or the app's trust switch): you said you wrote these arguments or trust where they came from.",
        regions: [],
      },
    ]);
    const others = (ds: typeof plain) => ds.filter((d) => d.code !== "unsafe-option");
    expect(others(trusted)).toEqual(others(plain));
  });

  it("any exec: migration source or script= is flagged, whatever follows", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("tap", "bridge", "user"), (cmd, type) => {
        expect(findUnsafeOptions([["-incoming", `exec:${cmd}`]])).toHaveLength(1);
        const s = findUnsafeOptions([["-netdev", `${type},id=x,script=/x${cmd.replace(/,/g, ",,")}`]]);
        expect(s.some((u) => u.risk === "runs-program")).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("a 200 KB -append is an error: Linux passes at most 131071 bytes per argument", () => {
    const at = (n: number) =>
      check(
        importArgv(["qemu-system-aarch64", "-M", "virt", "-append", "x".repeat(n)]).layout,
      ).diagnostics.filter((d) => d.code === "argument-too-long");
    expect(at(131071)).toEqual([]);
    expect(at(131072).map((d) => d.message)).toEqual([
      'the argument after -append is 131072 bytes, more than the 131071 Linux passes to a program: starting QEMU fails with "Argument list too long". Shorten it (move long kernel command lines into the DTB or an initrd\'s config).',
    ]);
    expect(at(200_000)).toHaveLength(1);
  });

  it("an over-long argument from any stanza or field is found (the rule's cheap bound never hides one)", () => {
    const long = (n: number) => "a,,".repeat(n);
    const cases: string[][] = [
      ["-device", `guest-loader,addr=0x48000000,kernel=k,bootargs=${long(45_000)}`],
      ["-device", `guest-loader,addr=0x48000000,initrd=${"r".repeat(140_000)}`],
      ["-device", `loader,addr=0x48000000,file=${"f".repeat(140_000)}`],
      ["-kernel", "k".repeat(140_000)],
      ["-initrd", "i".repeat(140_000)],
      ["-M", `virt,${"x".repeat(140_000)}=on`],
      ["-serial", "s".repeat(140_000)],
    ];
    for (const extra of cases) {
      const layout = importArgv([
        "qemu-system-aarch64",
        "-M",
        "virt",
        "-m",
        "2G",
        "-kernel",
        "k",
        ...extra,
      ]).layout;
      const many = {
        ...layout,
        modules: [
          ...layout.modules,
          ...Array.from({ length: 50 }, (_, i) => ({
            id: `x${i}`,
            addr: 0x50000000n + BigInt(i) * 0x100000n,
            initrd: { path: `r${i}`, size: 4096n },
          })),
        ],
      };
      const found = check(many).diagnostics.filter((d) => d.code === "argument-too-long");
      expect(found, extra.join(" ").slice(0, 40)).toHaveLength(1);
    }
  });
});
