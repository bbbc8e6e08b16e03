/**
 * Verbatim QEMU arguments from a share link or a layout file can make QEMU run programs or write
 * host files (`-incoming exec:…`, `-netdev …,script=`). They stay out of the command line, the
 * copies and the exports until the user has read and accepted them.
 */
import { check, formatCommand } from "@guestmap/core";
import { useMemo } from "react";
import { checked, usePanelLayout } from "../store/derived";
import { useGuestmap } from "../store/store";
import { button } from "../ui/Panel";

export function UntrustedArgs() {
  const untrusted = useGuestmap((s) => s.untrusted);
  // A panel: it follows an edit after the edit's frame, like the others.
  const layout = usePanelLayout();
  // The core's diagnostics on those arguments (e.g. options that run host programs), when it has
  // them: the layout's own check is the one the page already has; the one with the arguments is
  // run once per layout, not per render.
  const risks = useMemo(() => {
    if (!untrusted) return [];
    const page = checked(layout);
    const before = (page.pending ? check(layout) : page).diagnostics;
    return check({ ...layout, extraArgs: [...layout.extraArgs, ...untrusted.args] }).diagnostics.filter(
      (d) => !before.some((x) => x.code === d.code && x.message === d.message),
    );
  }, [layout, untrusted]);
  if (!untrusted) return null;
  const accept = () => {
    const s = useGuestmap.getState();
    s.dispatch({ type: "setExtraArgs", extraArgs: [...s.layout.extraArgs, ...untrusted.args] });
    s.untrustedChanged(undefined);
  };
  return (
    <section
      aria-label="Untrusted QEMU arguments"
      className="flex flex-col gap-1.5 rounded border border-warn/60 bg-warn/10 px-3 py-2 text-[12px]"
    >
      <p>
        <strong>Untrusted QEMU arguments</strong> from {untrusted.source}: they are not in the command line,
        copies or exports until you accept them. Read them first — QEMU options can run host programs.
      </p>
      <pre className="overflow-x-auto rounded bg-bg/60 p-1.5 font-mono text-[11px]" dir="ltr">
        {formatCommand(untrusted.args, "multiline").trimEnd()}
      </pre>
      {risks.map((d) => (
        <p key={`${d.code}:${d.message}`} className={d.severity === "error" ? "text-bad" : "text-warn"}>
          {d.severity} {d.code}: <bdi>{d.message}</bdi>
        </p>
      ))}
      <div className="flex gap-1.5">
        <button type="button" className={button} onClick={accept}>
          Accept these arguments
        </button>
        <button
          type="button"
          className={button}
          onClick={() => useGuestmap.getState().untrustedChanged(undefined)}
        >
          Discard them
        </button>
      </div>
    </section>
  );
}
