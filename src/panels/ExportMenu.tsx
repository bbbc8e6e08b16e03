/** Downloads, all built by the core (react-query runs the async ones); nothing leaves the browser. */
import type { ImageFormat } from "@guestmap/core";
import { useMutation } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useBaseDtb } from "../io/base-dtb";
import { download } from "../io/download";
import { mergeOffThread } from "../io/dtb-off-thread";
import {
  dtbBytes,
  imageSpan,
  layoutJson,
  memoryImage,
  overlayBytes,
  shareUrl,
  shellScript,
} from "../io/exports";
import { usePanelCheck } from "../store/derived";
import { useGuestmap } from "../store/store";
import { addr, human } from "../ui/format";
import { Menu, MenuItem } from "../ui/Menu";
import { button } from "../ui/Panel";

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

/** A raw image past this asks first: it is a download of that many bytes, mostly zeros. */
const RAW_ASK_ABOVE = 4n << 30n;

/** Said when the user declines a big export: not an error. */
class Declined extends Error {}

export function ExportMenu() {
  const base = useBaseDtb();
  const { layout: shown } = usePanelCheck();
  const span = imageSpan(shown);
  const hexBlocked = span && span.end > 1n << 32n;
  const abort = useRef<AbortController | undefined>(undefined);
  const [progress, setProgress] = useState<number>();
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
          // Off the main thread: a base can hold 100,000 nodes.
          return [
            bin(await mergeOffThread(base.bytes, layout)),
            base.name.replace(/(\.dtb)?$/, "-guestmap.dtb"),
          ];
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
          const span = imageSpan(layout);
          if (
            kind === "raw" &&
            span &&
            span.end - span.start > RAW_ASK_ABOVE &&
            !window.confirm(
              `The raw image covers ${addr(span.start)}–${addr(span.end)}: a ${human(span.end - span.start)} download, mostly zeros. Build it anyway? (An ELF image holds only the blobs.)`,
            )
          )
            throw new Declined();
          abort.current = new AbortController();
          setProgress(0);
          const { blob, zeroed, start } = await memoryImage(layout, kind, {
            signal: abort.current.signal,
            progress: setProgress,
          });
          if (zeroed.length)
            useGuestmap.getState().noticed({
              kind: "info",
              text: `The image leaves zeros where QEMU writes bytes of its own making: ${zeroed.join(", ")}.`,
            });
          // A raw image has no addresses inside: its name carries where it starts.
          return [
            blob,
            kind === "raw" ? `memory-${addr(start)}.bin` : `memory.${kind === "ihex" ? "hex" : "elf"}`,
          ];
        }
      }
    },
    onSuccess: ([blob, name]) => download(blob, name),
    onError: (e) => {
      if (e instanceof Declined) return;
      useGuestmap
        .getState()
        .noticed(
          (e as Error).name === "AbortError"
            ? { kind: "info", text: "Export cancelled; nothing was downloaded." }
            : { kind: "error", text: `Export failed: ${(e as Error).message}` },
        );
    },
    onSettled: () => {
      abort.current = undefined;
      setProgress(undefined);
    },
  });
  return (
    <>
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
          detail={
            span
              ? `${addr(span.start)}–${addr(span.end)} (${human(span.end - span.start)}), zeros between blobs`
              : "Every blob at its address, zeros between"
          }
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
          detail={
            hexBlocked
              ? `Unavailable: Intel HEX addresses stop at 4 GiB and the blobs reach ${addr(span.end - 1n)}`
              : "Below 4 GiB only"
          }
          disabled={run.isPending || hexBlocked}
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
      {progress !== undefined && (
        <span className="flex items-center gap-1.5 text-[11px]">
          <progress className="h-2 w-24" value={progress} max={1} />
          {Math.round(progress * 100)}%
          <button type="button" className={button} onClick={() => abort.current?.abort()}>
            Cancel export
          </button>
        </span>
      )}
    </>
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
