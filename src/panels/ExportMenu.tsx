/** Downloads, all built by the core (react-query runs the async ones); nothing leaves the browser. */
import type { ImageFormat } from "@guestmap/core";
import { useMutation } from "@tanstack/react-query";
import { useBaseDtb } from "../io/base-dtb";
import { download } from "../io/download";
import { dtbBytes, layoutJson, memoryImage, overlayBytes, shareUrl, shellScript } from "../io/exports";
import { useGuestmap } from "../store/store";
import { Menu, MenuItem } from "../ui/Menu";

type ExportKind = "dtb" | "dtb-merged" | "overlay" | "script" | "json" | ImageFormat;

const FILE_NAMES: Record<ExportKind, string> = {
  dtb: "the DTB",
  "dtb-merged": "the merged DTB",
  overlay: "the overlay",
  script: "run-qemu.sh",
  json: "layout.json",
  raw: "memory.bin",
  elf: "memory.elf",
  ihex: "memory.hex",
};

export function ExportMenu() {
  const base = useBaseDtb();
  const run = useMutation({
    mutationFn: async (kind: ExportKind): Promise<[Blob, string]> => {
      const layout = useGuestmap.getState().layout;
      const bin = (b: Uint8Array) =>
        new Blob([b as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" });
      switch (kind) {
        case "dtb":
          return [bin(dtbBytes(layout)), "guestmap-chosen.dtb"];
        case "dtb-merged":
          if (!base) throw new Error("open a base DTB first (Import → Open DTB…)");
          return [bin(dtbBytes(layout, base.fdt)), base.name.replace(/(\.dtb)?$/, "-guestmap.dtb")];
        case "overlay":
          return [bin(overlayBytes(layout)), "guestmap-chosen.dtbo"];
        case "script": {
          const s = shellScript(layout);
          if (!s)
            throw new Error(
              "the layout cannot be written as a command line yet (see the command line panel)",
            );
          return [new Blob([s], { type: "text/x-shellscript" }), "run-qemu.sh"];
        }
        case "json":
          return [new Blob([layoutJson(layout)], { type: "application/json" }), "layout.json"];
        default: {
          const { blob, zeroed } = await memoryImage(layout, kind);
          if (zeroed.length)
            useGuestmap.getState().noticed({
              kind: "info",
              text: `The image leaves zeros where QEMU writes bytes of its own making: ${zeroed.join(", ")}.`,
            });
          return [blob, `memory.${kind === "ihex" ? "hex" : kind === "elf" ? "elf" : "bin"}`];
        }
      }
    },
    onSuccess: ([blob, name]) => download(blob, name),
    onError: (e) =>
      useGuestmap.getState().noticed({ kind: "error", text: `Export failed: ${(e as Error).message}` }),
  });
  return (
    <Menu
      label="Export"
      align="right"
      busy={run.isPending ? `building ${FILE_NAMES[run.variables]}…` : undefined}
    >
      <MenuItem
        title="DTB (standalone /chosen)"
        detail="Root cells and /chosen as QEMU writes it"
        disabled={run.isPending}
        onClick={() => run.mutate("dtb")}
      />
      <MenuItem
        title="DTB merged into base"
        detail={base ? `Into ${base.name}` : "Open a base DTB first (Import)"}
        disabled={!base || run.isPending}
        onClick={() => run.mutate("dtb-merged")}
      />
      <MenuItem
        title="DT overlay (.dtbo)"
        detail="fragment@0 targeting /chosen"
        disabled={run.isPending}
        onClick={() => run.mutate("overlay")}
      />
      <MenuItem
        title="Memory image: raw"
        detail="Every blob at its address, zeros between"
        disabled={run.isPending}
        onClick={() => run.mutate("raw")}
      />
      <MenuItem
        title="Memory image: ELF"
        detail="One PT_LOAD per blob"
        disabled={run.isPending}
        onClick={() => run.mutate("elf")}
      />
      <MenuItem
        title="Memory image: Intel HEX"
        detail="Below 4 GiB only"
        disabled={run.isPending}
        onClick={() => run.mutate("ihex")}
      />
      <MenuItem
        title="Shell script"
        detail="run-qemu.sh with the command line"
        disabled={run.isPending}
        onClick={() => run.mutate("script")}
      />
      <MenuItem
        title="Layout JSON"
        detail="For `guestmap check` and to reopen here"
        disabled={run.isPending}
        onClick={() => run.mutate("json")}
      />
    </Menu>
  );
}

export function ShareButton({ className }: { className: string }) {
  return (
    <button
      type="button"
      className={className}
      onClick={async () => {
        const url = shareUrl(useGuestmap.getState().layout, window.location);
        await navigator.clipboard.writeText(url);
        useGuestmap
          .getState()
          .noticed({ kind: "info", text: "Share link copied: it holds the layout, not the files." });
      }}
    >
      Copy share link
    </button>
  );
}
