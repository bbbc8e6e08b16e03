/**
 * The trust switch, the app's `--trust-args`: the user says they wrote the layout's extra QEMU
 * arguments (or trust where they came from), and each `unsafe-option` error becomes a note that
 * still names the risk. Off by default; only a click here turns it on (model/trust-args.ts).
 */
import { useArgsTrusted } from "../store/derived";
import { useGuestmap } from "../store/store";

export function TrustArgsSwitch() {
  const count = useGuestmap((s) => s.layout.extraArgs.length);
  const trusted = useArgsTrusted();
  if (count === 0) return null;
  return (
    <label
      className={`mb-1.5 flex items-start gap-1.5 rounded border px-2 py-1 text-[11px] ${trusted ? "border-warn/60 bg-warn/10 text-ink" : "border-line text-muted"}`}
      title="Like guestmap check --trust-args: options that run host programs or touch host files are then notes, not errors. Only for this layout and these arguments; a share link or an opened file never turns it on."
    >
      <input
        type="checkbox"
        className="mt-0.5"
        checked={trusted}
        onChange={(e) => {
          const s = useGuestmap.getState();
          s.trustSwitched(e.currentTarget.checked ? s.layout.extraArgs : undefined);
        }}
      />
      <span>
        {trusted ? (
          <>
            <strong>Extra QEMU arguments trusted</strong> ({count}): their unsafe options are notes.
          </>
        ) : (
          <>
            Trust the {count} extra QEMU argument{count === 1 ? "" : "s"}: I wrote them or trust where they
            came from (as <code>--trust-args</code>).
          </>
        )}
      </span>
    </label>
  );
}
