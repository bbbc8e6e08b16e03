/**
 * Paste a QEMU command line — or the script, terminal line or Makefile recipe around it — and
 * import it. A paste with any error changes nothing: the errors are listed and the layout stays.
 * Variables the paste uses without setting get a field each, filled in and imported again.
 */
import type { ImportIssue, Layout } from "@guestmap/core";
import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { importCommand } from "../io/imports";
import { button, input } from "../ui/Panel";

const SEVERITY_CLASS: Record<ImportIssue["severity"], string> = {
  error: "text-bad",
  warning: "text-warn",
  info: "text-muted",
};

export function PasteCommand(props: {
  onImported(layout: Layout, notes: number): void;
  onFailed(message: string): void;
}) {
  const [text, setText] = useState("");
  const [vars, setVars] = useState<Record<string, string>>({});
  const [asked, setAsked] = useState<readonly string[]>([]);
  const [issues, setIssues] = useState<readonly ImportIssue[]>([]);
  const id = useId();
  const command = useMutation({
    mutationFn: (a: { text: string; vars: Record<string, string> }) => importCommand(a.text, a.vars),
    onSuccess: (r) => {
      setIssues(r.issues);
      // Keep asking for every variable once asked, so a typed value stays editable.
      setAsked((prev) => [...prev, ...r.missingVariables.filter((v) => !prev.includes(v))]);
      if (r.layout) {
        props.onImported(r.layout, r.issues.length);
        return;
      }
      const errors = r.issues.filter((i) => i.severity === "error");
      props.onFailed(
        r.missingVariables.length > 0
          ? `Nothing imported, the layout is unchanged: give ${r.missingVariables.map((v) => `$${v}`).join(", ")} in the fields under the paste box, then import again.`
          : `Nothing imported, the layout is unchanged: ${errors.length} error(s) in the pasted command. ${errors[0]?.message ?? ""}`,
      );
    },
    onError: (e) => props.onFailed(`Nothing imported, the layout is unchanged: ${(e as Error).message}`),
  });
  const given = Object.fromEntries(Object.entries(vars).filter(([k]) => asked.includes(k)));
  return (
    <>
      <label htmlFor={id} className="px-1 text-[11px] text-muted">
        Paste a QEMU command line
      </label>
      <textarea
        id={id}
        className={`${input} h-24 py-1`}
        spellCheck={false}
        value={text}
        placeholder="qemu-system-aarch64 -M virt … -device guest-loader,addr=… (a script, $ prompt, sudo/timeout/exec and $VARS are fine)"
        onChange={(e) => setText(e.target.value)}
      />
      {asked.length > 0 && (
        <fieldset className="flex flex-col gap-1 rounded border border-line px-1.5 py-1">
          <legend className="px-1 text-[11px] text-muted">
            Variables the paste uses (never run, only substituted)
          </legend>
          {asked.map((name) => (
            <label key={name} className="flex items-center gap-1.5 text-[11px]">
              <span className="w-28 truncate font-mono">${name}</span>
              <input
                className={`${input} flex-1`}
                spellCheck={false}
                aria-label={`Value of $${name}`}
                value={vars[name] ?? ""}
                onChange={(e) => setVars((v) => ({ ...v, [name]: e.target.value }))}
              />
            </label>
          ))}
        </fieldset>
      )}
      <button
        type="button"
        className={button}
        disabled={!text.trim()}
        onClick={() => command.mutate({ text, vars: given })}
      >
        Import command line
      </button>
      {issues.length > 0 && (
        <ul aria-label="Import messages" className="max-h-32 overflow-auto text-[11px]">
          {issues.map((i) => (
            <li key={`${i.code}-${i.argIndex}-${i.message}`} className={SEVERITY_CLASS[i.severity]}>
              {i.severity} {i.code}: {i.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
