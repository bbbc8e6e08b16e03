import { useRef } from "react";
import { button } from "./Panel";

/** A button that opens the file dialog (keyboard users' way to drop files). */
export function FileButton(props: {
  label: string;
  accept?: string;
  multiple?: boolean;
  onFiles(files: File[]): void;
  ariaLabel?: string;
}) {
  const ref = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className={button}
        aria-label={props.ariaLabel}
        onClick={() => ref.current?.click()}
      >
        {props.label}
      </button>
      <input
        ref={ref}
        type="file"
        className="sr-only"
        tabIndex={-1}
        // The button is the control; the input only opens the dialog. Hidden from screen readers,
        // or each file button would be announced twice.
        aria-hidden
        aria-label={props.ariaLabel ?? props.label}
        accept={props.accept}
        multiple={props.multiple}
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = "";
          if (files.length) props.onFiles(files);
        }}
      />
    </>
  );
}
