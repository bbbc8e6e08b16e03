/** The selected blob (editable) or QEMU region (read-only). */
import {
  type BlobHeader,
  elfMachineName,
  fileSizeProblem,
  type GenericLoaderBlob,
  type GuestLoaderModule,
  type LayoutBlob,
  moduleFile,
  moduleKind,
  type Region,
  sniffHeader,
} from "@guestmap/core";
import { useQuery } from "@tanstack/react-query";
import { download } from "../io/download";
import { loadFile } from "../io/file-store";
import { useOpenFileRef } from "../io/open-file";
import { removeAndFocusNext } from "../map/keyboard";
import { roleLabel } from "../map/map-model";
import { LOADER_STEP, moduleAlignment, moduleFootprint } from "../model/blob-rules";
import { usePanelCheck } from "../store/derived";
import { useGuestmap } from "../store/store";
import { FileButton } from "../ui/FileButton";
import { addr, human } from "../ui/format";
import { LockIcon } from "../ui/LockIcon";
import { button, input, label, Panel } from "../ui/Panel";
import { SizeInput, TextInput } from "../ui/SizeInput";

export function Inspector() {
  const selection = useGuestmap((s) => s.selection);
  const seq = useGuestmap((s) => s.selectionSeq);
  const { layout, placement } = usePanelCheck();
  const module = layout.modules.find((m) => m.id === selection);
  const loader = layout.loaders.find((l) => l.id === selection);
  const region = placement.regions.find((r) => r.id === selection);
  return (
    <Panel id="inspector-title" title="Inspector">
      {module ? (
        <ModuleInspector key={`${module.id}:${seq}`} module={module} />
      ) : loader ? (
        <LoaderInspector key={`${loader.id}:${seq}`} loader={loader} />
      ) : region ? (
        <RegionInspector region={region} />
      ) : (
        <p className="text-muted">Select a blob on the map (Tab, arrows or click), or drop files onto it.</p>
      )}
    </Panel>
  );
}

function Field({ k, v }: { k: string; v: string }) {
  return (
    <>
      <dt className="text-muted">{k}</dt>
      <dd className="text-right font-mono whitespace-nowrap text-ink">{v}</dd>
    </>
  );
}

function RegionInspector({ region: r }: { region: Region }) {
  return (
    <div className="flex flex-col gap-2">
      <p className="font-semibold">
        <LockIcon className="mr-1 text-qemu-ink" />
        {r.name} <span className="font-normal text-muted">· QEMU {roleLabel(r)} (locked)</span>
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-[12px]">
        <Field k="start" v={addr(r.addr)} />
        <Field k="end (excl.)" v={addr(r.addr + r.size)} />
        <Field k="size" v={`${addr(r.size)} · ${human(r.size)}`} />
        {r.footprint > r.size && <Field k="footprint" v={`${addr(r.footprint)} · ${human(r.footprint)}`} />}
        <Field k="address space" v={r.space} />
        <Field k="memory" v={r.mem.toUpperCase()} />
      </dl>
      {r.approximate && <p className="text-[11px] text-warn">Size estimated (depends on the QEMU build).</p>}
      <p className="text-[11px] text-muted">
        QEMU decides where this goes; change the machine or -kernel/-initrd to move it.
      </p>
    </div>
  );
}

function ModuleInspector({ module: m }: { module: GuestLoaderModule }) {
  const layout = useGuestmap((s) => s.layout);
  const dispatch = useGuestmap((s) => s.dispatch);
  const file = moduleFile(m);
  const kind = moduleKind(m);
  const hdr = file?.head ? sniffHeader(file.head) : undefined;
  const rule = moduleAlignment(layout, m);
  const fill = useOpenFileRef((ref) => dispatch({ type: "setBlobFile", id: m.id, file: ref }));
  const bytes = useFileBytes(file);
  return (
    <div className="flex flex-col gap-2.5">
      <div className="flex items-baseline gap-2">
        <p className="truncate font-mono text-[13px] font-semibold">
          <bdi>{file?.path ?? "(no file)"}</bdi>
        </p>
        <span className="text-[11px] text-muted">{m.id}</span>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-[12px]">
        <Field
          k="size"
          v={file?.size !== undefined ? `${addr(file.size)} · ${human(file.size)}` : "unknown"}
        />
        <Field k="end (excl.)" v={file?.size !== undefined ? addr(m.addr + file.size) : "—"} />
        <Field k="bytes" v={bytesText(file, bytes.data)} />
      </dl>
      <div className="flex flex-col gap-0.5">
        <label htmlFor="kind" className={label}>
          Kind
        </label>
        <select
          id="kind"
          className={input}
          value={kind ?? "initrd"}
          onChange={(e) =>
            dispatch({ type: "setKind", id: m.id, kind: e.target.value as "kernel" | "initrd" })
          }
        >
          <option value="kernel">kernel (multiboot,kernel)</option>
          <option value="initrd">initrd (multiboot,ramdisk)</option>
        </select>
      </div>
      <SizeInput
        label="Address"
        value={m.addr}
        onCommit={(v) => dispatch({ type: "moveBlob", id: m.id, addr: v })}
      />
      <p className="-mt-1.5 text-[11px] text-muted">
        needs {human(rule.align)} alignment{rule.offset ? ` + ${addr(rule.offset)}` : ""} · ←/→ moves by it,
        Shift ×16
      </p>
      {kind === "kernel" && (
        <TextInput
          label="bootargs"
          multiline
          value={m.bootargs}
          placeholder="(none)"
          onCommit={(v) => dispatch({ type: "setBootargs", id: m.id, bootargs: v === "" ? undefined : v })}
        />
      )}
      {file?.size === undefined && (
        <div className="flex flex-col gap-1 rounded border border-dashed border-muted p-2">
          <p className="text-[11px] text-muted">
            The file is not in this browser. Type its size or open it (or drop it on the map).
          </p>
          <SizeInput
            label="Size"
            value={undefined}
            placeholder="e.g. 24M"
            validate={fileSizeProblem}
            onCommit={(v) =>
              dispatch({ type: "setBlobFile", id: m.id, file: { path: file?.path ?? "file", size: v } })
            }
          />
          <FileButton label="Open file…" onFiles={([f]) => f && fill.mutate(f)} />
        </div>
      )}
      {hdr && (
        <div className="rounded border border-line bg-bg/60 p-2">
          <p className={`${label} mb-1`}>Header</p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-[12px]">
            <Field
              k="format"
              v={hdr.elf ? `ELF${hdr.elf.bits}, ${elfMachineName(hdr.elf.machine)}` : hdr.format}
            />
            {hdr.textOffset !== undefined && <Field k="text_offset" v={addr(hdr.textOffset)} />}
            {hdr.imageSize !== undefined && (
              <Field k="image_size" v={`${addr(hdr.imageSize)} · ${human(hdr.imageSize)}`} />
            )}
            <Field k="footprint" v={`${addr(moduleFootprint(m))} · ${human(moduleFootprint(m))}`} />
          </dl>
          <p className="mt-1 text-[11px] text-muted">{headerText(hdr)}</p>
        </div>
      )}
      {file?.size !== undefined && (
        <BindFile file={file} onFiles={(f) => fill.mutate(f)} has={!!bytes.data} />
      )}
      <div className="flex flex-wrap gap-1.5">
        <button type="button" className={button} onClick={() => removeAndFocusNext(m.id)}>
          Remove
        </button>
        {bytes.data && (
          <button
            type="button"
            className={button}
            onClick={() => bytes.data && download(bytes.data, bytes.data.name)}
          >
            Download file
          </button>
        )}
      </div>
    </div>
  );
}

/** A generic `-device loader` blob: placed by the user like a module, no kind, no bootargs. */
function LoaderInspector({ loader: l }: { loader: GenericLoaderBlob }) {
  const dispatch = useGuestmap((s) => s.dispatch);
  const fill = useOpenFileRef((ref) => dispatch({ type: "setBlobFile", id: l.id, file: ref }));
  const size = l.file.size;
  const bytes = useFileBytes(l.file);
  return (
    <div className="flex flex-col gap-2.5">
      <div className="flex items-baseline gap-2">
        <p className="truncate font-mono text-[13px] font-semibold">
          <bdi>{l.file.path}</bdi>
        </p>
        <span className="text-[11px] text-muted">{l.id} · -device loader</span>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-[12px]">
        <Field k="size" v={size !== undefined ? `${addr(size)} · ${human(size)}` : "unknown"} />
        <Field k="end (excl.)" v={size !== undefined ? addr(l.addr + size) : "—"} />
        <Field k="force-raw" v={l.forceRaw === undefined ? "(QEMU's default)" : l.forceRaw ? "on" : "off"} />
        <Field k="bytes" v={bytesText(l.file, bytes.data)} />
      </dl>
      <SizeInput
        label="Address"
        value={l.addr}
        onCommit={(v) => dispatch({ type: "moveBlob", id: l.id, addr: v })}
      />
      <p className="-mt-1.5 text-[11px] text-muted">
        any address · ←/→ moves by {human(LOADER_STEP.align)}, Shift ×16
      </p>
      {size === undefined && (
        <div className="flex flex-col gap-1 rounded border border-dashed border-muted p-2">
          <p className="text-[11px] text-muted">
            The file is not in this browser. Type its size or open it (or drop it on the map).
          </p>
          <SizeInput
            label="Size"
            value={undefined}
            placeholder="e.g. 0x28 or 4K"
            validate={fileSizeProblem}
            onCommit={(v) =>
              dispatch({ type: "setBlobFile", id: l.id, file: { path: l.file.path, size: v } })
            }
          />
          <FileButton label="Open file…" onFiles={([f]) => f && fill.mutate(f)} />
        </div>
      )}
      {size !== undefined && <BindFile file={l.file} onFiles={(f) => fill.mutate(f)} has={!!bytes.data} />}
      <div className="flex flex-wrap gap-1.5">
        <button type="button" className={button} onClick={() => removeAndFocusNext(l.id)}>
          Remove
        </button>
      </div>
    </div>
  );
}

/** The bytes this browser has for a blob: only the file with its SHA-256 (never one of the same name). */
function useFileBytes(file: LayoutBlob | undefined) {
  return useQuery({
    queryKey: ["file", file?.sha256, file?.size?.toString()],
    queryFn: async () => (file ? ((await loadFile(file)) ?? null) : null),
    enabled: file?.size !== undefined && file.sha256 !== undefined,
  });
}

function bytesText(file: LayoutBlob | undefined, bytes: File | null | undefined): string {
  if (bytes) return "in this browser";
  if (file?.size === undefined) return "placeholder";
  return file.sha256 ? "not in this browser" : "not bound (no SHA-256)";
}

function headerText(hdr: BlobHeader): string {
  if (!hdr.elf) return hdr.description;
  return `ELF${hdr.elf.bits} for ${elfMachineName(hdr.elf.machine)}: guest-loader loads it as raw bytes (the whole file, not its segments).`;
}

/**
 * Replacing or binding a blob's file: "Choose file…" keeps the address, kind and bootargs (one undo
 * step). A blob without bytes here says why, and binding it is the user's explicit choice.
 */
function BindFile(props: { file: LayoutBlob; has: boolean; onFiles(f: File): void }) {
  return (
    <div className="flex flex-col gap-1 rounded border border-line p-2">
      {!props.has && (
        <p className="text-[11px] text-warn">
          {props.file.sha256
            ? "This browser does not have the file with this blob's SHA-256."
            : "The layout gives no SHA-256 for this file, so no file is bound to it by its name."}{" "}
          Choose the file (or drop it onto the blob) to use its bytes in exports.
        </p>
      )}
      <FileButton label="Choose file…" onFiles={([f]) => f && props.onFiles(f)} />
      {props.has && (
        <p className="text-[11px] text-muted">Replaces the bytes; keeps the address, kind and bootargs.</p>
      )}
    </div>
  );
}
