/**
 * `domain-config`: Xen dom0less domains (/chosen/domU*) that Xen would refuse to build, or that
 * cannot fit in the machine's RAM beside each other. Their modules go through every other rule
 * like any blob (overlap, outside-ram, bss-overlap, misaligned, too-many-modules).
 */
import type { Diagnostic } from "../diagnostics.js";
import { formatSize } from "../util/bigint.js";
import { DOMAIN_MEMORY_UNIT, domainModules } from "../xen/domains.js";
import type { RuleContext } from "./context.js";

export function domainRule({ layout }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const domains = layout.domains ?? [];
  const ids = (name: string) =>
    domainModules(layout)
      .filter((d) => d.domain.name === name)
      .map((d) => d.module.id);
  const seen = new Set<string>();
  let total = 0n;
  for (const d of domains) {
    const where = `dom0less domain /chosen/${d.name}`;
    const problem = (message: string) =>
      out.push({ severity: "error", code: "domain-config", qemu: "starts", message, regions: ids(d.name) });
    if (seen.has(d.name) || d.name === "chosen" || !/^[A-Za-z0-9,._+-]{1,31}$/.test(d.name))
      problem(
        `${where}: the name is empty, repeated, or not a valid devicetree node name (letters, digits, ",._+-"; at most 31), so the DTB cannot hold it. Name domains domU1, domU2, …`,
      );
    seen.add(d.name);
    if (d.memory <= 0n || d.memory % DOMAIN_MEMORY_UNIT !== 0n)
      problem(
        `${where} has memory = ${d.memory} bytes: Xen reads the domain's memory in KiB and panics on 0 ("Unable to allocate memory for domain"). Give a whole number of KiB, e.g. 128M.`,
      );
    if (!Number.isInteger(d.cpus) || d.cpus < 1 || d.cpus > 128)
      problem(`${where} has cpus = ${d.cpus}: Xen needs 1 to 128 vcpus for a domain. Give at least 1.`);
    total += d.memory > 0n ? d.memory : 0n;
  }
  if (total > 0n && total >= layout.machine.ram)
    out.push({
      severity: "error",
      code: "domain-config",
      qemu: "starts",
      message: `the dom0less domains ask for ${formatSize(total)} of memory together, but the machine has ${formatSize(layout.machine.ram)} of RAM, which Xen, dom0 and the boot modules share: Xen panics building the domains. Lower their memory or raise -m.`,
      regions: domainModules(layout).map((d) => d.module.id),
    });
  return out;
}
