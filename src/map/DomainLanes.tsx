/**
 * Xen dom0less domains, one lane each under the map, on the map's own scale: the domain's name,
 * its memory budget (Xen allocates it anywhere in RAM, so it is a number, not a range) and vcpus,
 * and the blobs Xen builds it from, where QEMU loads them.
 */
import type { Region } from "@guestmap/core";
import { addr, human } from "../ui/format";
import type { DomainLane } from "./map-model";
import { type Scale, screenSpan, type View } from "./scale";

const LANE_HEIGHT = 40;

export function DomainLanes(props: {
  domains: readonly DomainLane[];
  ram: bigint;
  scale: Scale;
  view: View;
  selection: string | undefined;
  problems: ReadonlyMap<string, "error" | "warning">;
  onSelect(id: string): void;
}) {
  if (props.domains.length === 0) return null;
  return (
    <ul className="border-t border-line" data-testid="domain-lanes" aria-label="Xen dom0less domains">
      {props.domains.map((d) => (
        <li key={d.name} className="flex border-b border-line/60 last:border-b-0">
          <div className="flex w-[74px] shrink-0 flex-col justify-center border-r border-line pr-1 pl-2 text-[10px] leading-tight text-muted">
            <span className="sr-only">
              dom0less domain {d.name}: {human(d.memory)} of memory, {d.cpus} vcpu{d.cpus === 1 ? "" : "s"}
              {d.vpl011 ? ", vpl011 console" : ""}
            </span>
            <span aria-hidden className="font-semibold tracking-wide text-ink uppercase">
              {d.name}
            </span>
            <span aria-hidden title={`memory budget: ${Number((d.memory * 1000n) / props.ram) / 10}% of RAM`}>
              {human(d.memory)} · {d.cpus} vcpu{d.cpus === 1 ? "" : "s"}
            </span>
          </div>
          <div className="relative min-w-0 flex-1 overflow-hidden" style={{ height: LANE_HEIGHT }}>
            {d.regions.map((r) => (
              <DomainBlob key={r.id} r={r} domain={d.name} {...props} />
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

function DomainBlob(props: {
  r: Region;
  domain: string;
  scale: Scale;
  view: View;
  selection: string | undefined;
  problems: ReadonlyMap<string, "error" | "warning">;
  onSelect(id: string): void;
}) {
  const { r, scale, view } = props;
  const s = screenSpan(scale, view, r.addr, r.addr + r.size, 6);
  const kind = r.role === "module-kernel" ? "kernel" : r.role === "module-initrd" ? "ramdisk" : "device tree";
  const problem = props.problems.get(r.id);
  const border =
    props.selection === r.id
      ? "border-focus"
      : problem === "error"
        ? "border-bad"
        : problem === "warning"
          ? "border-warn"
          : "border-line";
  return (
    <button
      type="button"
      data-blob-id={r.id}
      aria-pressed={props.selection === r.id}
      aria-label={`${r.name}, ${kind} of ${props.domain} at ${addr(r.addr)}, ${human(r.size)}${problem ? `, has ${problem === "error" ? "an error" : "a warning"}` : ""}`}
      title={`${props.domain} ${kind} ${r.name} [${addr(r.addr)}, ${addr(r.addr + r.size)})`}
      onClick={() => props.onSelect(r.id)}
      className={`absolute top-1 overflow-hidden rounded-[3px] border-2 bg-panel-2 px-1 text-left font-mono text-[10px] leading-tight whitespace-nowrap ${border}`}
      style={{ left: s.left, width: s.width, height: LANE_HEIGHT - 8 }}
    >
      {s.width > 40 && (
        <>
          <span className="block truncate">{r.name.split("/").pop()}</span>
          <span className="block truncate text-muted">
            {kind} · {addr(r.addr)}
          </span>
        </>
      )}
    </button>
  );
}
