/** "Boot in QEMU": the layout run for a few seconds, the guest's serial console shown as it comes. */
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useGuestmap } from "../store/store";
import { button, Panel } from "../ui/Panel";
import { postBoot } from "./api";
import { useCompanion } from "./companion";
import { useChosenQemu } from "./useVerification";

const SECONDS = 10;

export function BootConsole() {
  const companion = useCompanion((s) => s.companion);
  const qemu = useChosenQemu();
  const [serial, setSerial] = useState("");
  const boot = useMutation({
    mutationFn: () => {
      setSerial("");
      return postBoot(companion!, useGuestmap.getState().layout, qemu!, SECONDS, (t) =>
        setSerial((s) => s + t),
      );
    },
  });
  if (!companion) return null;
  return (
    <Panel
      id="boot-title"
      title="Serial console"
      className="max-h-[300px]"
      actions={
        <button
          type="button"
          className={button}
          disabled={!qemu || boot.isPending}
          onClick={() => boot.mutate()}
          title={`Run this layout unpaused in QEMU ${qemu ?? ""} for ${SECONDS} s and show the guest's serial output`}
        >
          {boot.isPending ? "Booting…" : `Boot ${SECONDS} s`}
        </button>
      }
    >
      <pre data-testid="serial-console" className="font-mono text-[11px] whitespace-pre-wrap text-ink">
        {serial}
      </pre>
      <p data-testid="boot-end" className={`text-[11px] ${boot.isError ? "text-bad" : "text-muted"}`}>
        {boot.isError
          ? (boot.error as Error).message
          : boot.data
            ? `QEMU ${qemu}: ${boot.data.reason}${boot.data.status !== null ? ` (exit ${boot.data.status})` : ""}${boot.data.stderr ? ` — ${boot.data.stderr.trim()}` : ""}`
            : boot.isPending
              ? `QEMU ${qemu} is running; it is stopped after ${SECONDS} s`
              : "Nothing booted yet."}
      </p>
    </Panel>
  );
}
