/**
 * An address or size field: accepts `0x…`, decimal and K/M/G/KiB/MiB/GiB (the core's parseSize).
 * Applied on Enter or blur; invalid text is shown inline and never applied.
 */
import { nulProblem, parseSize, u64Problem } from "@guestmap/core";
import { useEffect, useId, useState } from "react";
import { addr } from "./format";
import { input, label } from "./Panel";

export function SizeInput(props: {
  label: string;
  value: bigint | undefined;
  onCommit(v: bigint): void;
  format?: (v: bigint) => string;
  placeholder?: string;
  /** Why a parsed value cannot be used (shown inline, not applied); the default refuses ≥ 2^64. */
  validate?: (v: bigint) => string | undefined;
}) {
  const fmt = props.format ?? addr;
  const shown = props.value === undefined ? "" : fmt(props.value);
  const [draft, setDraft] = useState(shown);
  const [error, setError] = useState<string>();
  const id = useId();
  useEffect(() => {
    setDraft(shown);
    setError(undefined);
  }, [shown]);
  const commit = () => {
    if (draft === shown) return;
    const v = parseSize(draft);
    if (v === undefined) {
      setError(`"${draft}" is not a number: use 0x42000000, 1107296256 or 64M (K/M/G, KiB/MiB/GiB)`);
      return;
    }
    const why = (props.validate ?? u64Problem)(v);
    if (why) {
      setError(`"${draft.trim()}": ${why}`);
      return;
    }
    setError(undefined);
    props.onCommit(v);
  };
  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className={label}>
        {props.label}
      </label>
      <input
        id={id}
        className={input}
        value={draft}
        placeholder={props.placeholder}
        spellCheck={false}
        aria-invalid={error !== undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          const v = parseSize(e.target.value);
          if (error && v !== undefined && !(props.validate ?? u64Problem)(v)) setError(undefined);
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") {
            setDraft(shown);
            setError(undefined);
          }
        }}
      />
      {error && (
        <p id={`${id}-err`} role="alert" className="text-[11px] text-bad">
          {error}
        </p>
      )}
    </div>
  );
}

/** Unapplied text of a field, kept in localStorage so a reload before the field blurs keeps it. */
const draftStore = {
  get: (key: string | undefined) =>
    key ? (globalThis.localStorage?.getItem(`guestmap.draft.${key}`) ?? undefined) : undefined,
  set(key: string | undefined, text: string | undefined) {
    if (!key) return;
    try {
      if (text === undefined) localStorage.removeItem(`guestmap.draft.${key}`);
      else localStorage.setItem(`guestmap.draft.${key}`, text);
    } catch {
      // Full or absent storage: the draft lives in the field only.
    }
  },
};

/** A text field applied on Enter or blur (so typing is one undo step, not one per key). */
export function TextInput(props: {
  label: string;
  value: string | undefined;
  onCommit(v: string): void;
  placeholder?: string;
  multiline?: boolean;
  /** Why the text cannot be used (shown inline, not applied); a NUL is always refused. */
  validate?: (text: string) => string | undefined;
  /** Keeps typed, unapplied text across a reload under this key (e.g. the layout's id and field). */
  draftKey?: string;
}) {
  const [draft, setDraftState] = useState(() => draftStore.get(props.draftKey) ?? props.value ?? "");
  const setDraft = (text: string) => {
    setDraftState(text);
    draftStore.set(props.draftKey, text === (props.value ?? "") ? undefined : text);
  };
  const [error, setError] = useState<string>();
  const id = useId();
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the applied value changes
  useEffect(() => {
    const kept = draftStore.get(props.draftKey);
    if (kept !== undefined && kept !== (props.value ?? "")) return;
    setDraftState(props.value ?? "");
    draftStore.set(props.draftKey, undefined);
    setError(undefined);
  }, [props.value]);
  const commit = () => {
    if (draft === (props.value ?? "")) return setError(undefined);
    const why = nulProblem(draft) ?? props.validate?.(draft);
    setError(why);
    if (!why) props.onCommit(draft);
  };
  const revert = () => {
    setDraft(props.value ?? "");
    setError(undefined);
  };
  const invalid = {
    "aria-invalid": error !== undefined,
    "aria-describedby": error ? `${id}-err` : undefined,
  };
  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className={label}>
        {props.label}
      </label>
      {props.multiline ? (
        <textarea
          id={id}
          className={`${input} h-auto min-h-12 py-1`}
          value={draft}
          placeholder={props.placeholder}
          spellCheck={false}
          {...invalid}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === "Escape") revert();
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              commit();
            }
          }}
        />
      ) : (
        <input
          id={id}
          className={input}
          value={draft}
          placeholder={props.placeholder}
          spellCheck={false}
          {...invalid}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === "Enter") commit();
            if (e.key === "Escape") revert();
          }}
        />
      )}
      {error && (
        <p id={`${id}-err`} role="alert" className="text-[11px] text-bad">
          {error}
        </p>
      )}
    </div>
  );
}
