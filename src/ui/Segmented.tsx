/** A compact radio group drawn as segmented buttons (scale mode, command-line format). */
export function Segmented<T extends string>(props: {
  /** Screen-reader name of the group. */
  legend: string;
  /** Radio group name; unique per page. */
  name: string;
  options: readonly (readonly [value: T, label: string])[];
  value: T;
  onChange(value: T): void;
  className?: string;
}) {
  return (
    <fieldset
      className={`flex overflow-hidden rounded border border-line text-[11px] ${props.className ?? ""}`}
    >
      <legend className="sr-only">{props.legend}</legend>
      {props.options.map(([v, label]) => (
        <label
          key={v}
          className={`cursor-pointer px-2 py-0.5 has-[:focus-visible]:outline-2 has-[:focus-visible]:-outline-offset-2 has-[:focus-visible]:outline-focus ${props.value === v ? "bg-kernel/40 text-ink" : "text-muted"}`}
        >
          <input
            type="radio"
            name={props.name}
            className="sr-only"
            checked={props.value === v}
            onChange={() => props.onChange(v)}
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
