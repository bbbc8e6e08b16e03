/** The machine and QEMU's own boot options: arch, RAM, cpu, profile, -kernel/-append, -initrd, -bios. */
import {
  ARCHES,
  type Arch,
  defaultCpu,
  fileSizeProblem,
  formatMachineProps,
  type LayoutBlob,
  machinePropsProblem,
  NEWEST_VERIFIED_VERSION,
  parseMachineOption,
  QEMU_RELEASES,
  type QemuRelease,
  type QemuVersion,
  ramProblem,
} from "@guestmap/core";
import { useId } from "react";
import { useOpenFileRef } from "../io/open-file";
import { useGuestmap } from "../store/store";
import { FileButton } from "../ui/FileButton";
import { human } from "../ui/format";
import { button, input, label, Panel } from "../ui/Panel";
import { SizeInput, TextInput } from "../ui/SizeInput";

/** "10.0 — Debian 13, verified (10.0.2)": what the release is and whether CI runs a binary of it. */
function releaseLabel(r: QemuRelease): string {
  const who = r.shippedBy ? ` — ${r.shippedBy}` : "";
  return `${r.release}${who}, ${r.verifiedWith ? `verified in CI (${r.verifiedWith})` : "from source"}`;
}

export function MachinePanel() {
  const layout = useGuestmap((s) => s.layout);
  const layoutId = useGuestmap((s) => s.layoutId);
  const dispatch = useGuestmap((s) => s.dispatch);
  const m = layout.machine;
  const archId = useId();
  const qemuId = useId();
  const biosId = useId();
  const setKernel = useOpenFileRef((kernel) => dispatch({ type: "setKernel", kernel }));
  const setInitrd = useOpenFileRef((initrd) => dispatch({ type: "setInitrd", initrd }));
  const setBios = useOpenFileRef((file) => dispatch({ type: "setBios", bios: { kind: "file", file } }));
  return (
    <Panel id="machine-title" title="Machine">
      <div className="flex flex-col gap-2">
        <div className="grid grid-cols-2 gap-2">
          <div className="flex flex-col gap-0.5">
            <label htmlFor={archId} className={label}>
              Arch (virt)
            </label>
            <select
              id={archId}
              className={input}
              value={m.arch}
              onChange={(e) => {
                // Each arch keeps its own -cpu: aarch64 → riscv64 → aarch64 gives cortex-a57 back.
                const arch = e.target.value as Arch;
                const s = useGuestmap.getState();
                s.cpuRemembered(m.arch, m.cpu);
                dispatch({ type: "setMachine", machine: { arch, cpu: s.cpuByArch[arch] } });
              }}
            >
              {ARCHES.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </div>
          <SizeInput
            label="RAM (-m)"
            value={m.ram}
            format={(v) => human(v).replace(" ", "")}
            validate={ramProblem}
            onCommit={(ram) => dispatch({ type: "setMachine", machine: { ram } })}
          />
        </div>
        <div className="grid grid-cols-2 gap-2">
          <TextInput
            label="-cpu"
            value={m.cpu}
            placeholder={defaultCpu(m.arch)}
            onCommit={(cpu) => dispatch({ type: "setMachine", machine: cpu ? { cpu } : { cpu: undefined } })}
          />
          <div className="flex flex-col gap-0.5">
            <label htmlFor={qemuId} className={label}>
              QEMU profile
            </label>
            <select
              id={qemuId}
              className={input}
              value={layout.qemu ?? ""}
              onChange={(e) =>
                dispatch({ type: "setQemu", qemu: (e.target.value || undefined) as QemuVersion | undefined })
              }
            >
              <option value="">newest verified ({NEWEST_VERIFIED_VERSION})</option>
              {layout.qemu && !QEMU_RELEASES.some((r) => r.release === layout.qemu) && (
                <option value={layout.qemu}>{layout.qemu}</option>
              )}
              {QEMU_RELEASES.map((r) => (
                <option key={r.release} value={r.release}>
                  {releaseLabel(r)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <TextInput
          label="-M properties"
          value={formatMachineProps(m.props)}
          placeholder="virtualization=on"
          validate={machinePropsProblem}
          onCommit={(t) =>
            dispatch({
              type: "setMachine",
              machine: {
                // The core's QemuOpts reading: `dumpdtb=a,,b.dtb` is one property, a bare `foo` is foo=on.
                props: parseMachineOption(t, { withType: false }).props,
              },
            })
          }
        />
        <FileRow
          title="-kernel"
          file={layout.kernel}
          onOpen={(f) => setKernel.mutate(f)}
          onSize={(size) =>
            layout.kernel && dispatch({ type: "setKernel", kernel: { ...layout.kernel, size } })
          }
          onClear={() => dispatch({ type: "setKernel", kernel: undefined })}
        />
        <TextInput
          key={layoutId}
          label="-append"
          multiline
          draftKey={`${layoutId}.append`}
          value={layout.append}
          placeholder="(none)"
          onCommit={(v) => dispatch({ type: "setAppend", append: v === "" ? undefined : v })}
        />
        <FileRow
          title="-initrd"
          file={layout.initrd}
          onOpen={(f) => setInitrd.mutate(f)}
          onSize={(size) =>
            layout.initrd && dispatch({ type: "setInitrd", initrd: { ...layout.initrd, size } })
          }
          onClear={() => dispatch({ type: "setInitrd", initrd: undefined })}
        />
        <div className="flex flex-col gap-0.5">
          <label htmlFor={biosId} className={label}>
            -bios
          </label>
          <div className="flex gap-1.5">
            <select
              id={biosId}
              className={input}
              value={m.bios.kind}
              onChange={(e) => {
                const k = e.target.value;
                if (k === "default" || k === "none") dispatch({ type: "setBios", bios: { kind: k } });
              }}
            >
              <option value="default">
                default {m.arch.startsWith("riscv") ? "(OpenSBI)" : "(none on ARM)"}
              </option>
              <option value="none">none</option>
              {m.bios.kind === "file" && <option value="file">{m.bios.file.path}</option>}
            </select>
            <FileButton
              label="File…"
              ariaLabel="Open a -bios file"
              onFiles={([f]) => f && setBios.mutate(f)}
            />
          </div>
        </div>
      </div>
    </Panel>
  );
}

function FileRow(props: {
  title: string;
  file: LayoutBlob | undefined;
  onOpen(f: File): void;
  /** Gives a placeholder (a file not in this browser) its size. */
  onSize(size: bigint): void;
  onClear(): void;
}) {
  return (
    <div className="flex flex-col gap-0.5">
      <span className={label}>{props.title}</span>
      <div className="flex items-center gap-1.5">
        <span className="min-w-0 flex-1 truncate font-mono text-[12px]">
          {props.file ? (
            <>
              {props.file.path}{" "}
              <span className="text-muted">
                {props.file.size !== undefined ? human(props.file.size) : "size unknown"}
              </span>
            </>
          ) : (
            <span className="text-muted">(none)</span>
          )}
        </span>
        <FileButton
          label="Open…"
          ariaLabel={`Open a ${props.title} file`}
          onFiles={([f]) => f && props.onOpen(f)}
        />
        {props.file && (
          <button
            type="button"
            className={button}
            aria-label={`Clear ${props.title}`}
            onClick={props.onClear}
          >
            ✕
          </button>
        )}
      </div>
      {props.file && props.file.size === undefined && (
        <div className="mt-1 rounded border border-dashed border-muted p-1.5">
          <SizeInput
            label={`${props.title} size (file not in this browser)`}
            value={undefined}
            placeholder="e.g. 0x118a08 or 2M"
            validate={fileSizeProblem}
            onCommit={props.onSize}
          />
        </div>
      )}
    </div>
  );
}
