/** The companion's HTTP API (see packages/cli/src/serve/server.ts), for react-query. */
import {
  type Arch,
  type Layout,
  serializeLayout,
  uniqueLayoutFiles,
  type VerifyReport,
  verifyReportFromJson,
} from "@guestmap/core";
import { loadFile } from "../io/file-store";
import type { Companion } from "./companion";

export interface CompanionQemu {
  readonly arch: Arch;
  readonly version: string;
  readonly from: string;
}

export interface Verification {
  readonly qemu: CompanionQemu;
  /** When QEMU ran. */
  readonly at: Date;
  readonly report: VerifyReport;
  /** What the companion added to the command line (`-M dtb-randomness=off`) and left out. */
  readonly added: readonly string[];
  readonly dropped: readonly (readonly string[])[];
}

/** A refusal of the companion, with its message (what, where, how to fix). */
export class CompanionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call(c: Companion, path: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${c.base}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${c.token}` },
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
  } catch {
    throw new CompanionError(
      "unreachable",
      `no companion answers at ${c.base}: is guestmap serve still running? (start it again and paste its new URL)`,
    );
  }
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string } }
    | undefined;
  if (!res.ok)
    throw new CompanionError(
      body?.error?.code ?? `http-${res.status}`,
      body?.error?.message ?? `the companion answered ${res.status}`,
    );
  return body;
}

export async function fetchQemus(c: Companion): Promise<CompanionQemu[]> {
  const body = (await call(c, "/qemu")) as { qemus?: CompanionQemu[] };
  return body.qemus ?? [];
}

/** The form both runs send: the layout, the QEMU version, the files this browser has. */
async function runForm(layout: Layout, qemu: string): Promise<FormData> {
  const form = new FormData();
  form.append("layout", serializeLayout(layout));
  form.append("qemu", qemu);
  for (const ref of uniqueLayoutFiles(layout)) {
    // A placeholder (no file in this browser) is left to the companion: it looks the name up
    // under its --files directories, or answers which file is missing.
    const file = await loadFile(ref);
    if (file) form.append("file", file, ref.path);
  }
  return form;
}

/** Sends the layout and every file the browser has for it (the companion finds the others under its --files directories); QEMU's answer compared with the prediction. */
export async function postVerify(c: Companion, layout: Layout, qemu: string): Promise<Verification> {
  const body = (await call(c, "/verify", { method: "POST", body: await runForm(layout, qemu) })) as {
    qemu: CompanionQemu;
    at: string;
    added: string[];
    dropped: string[][];
    report: unknown;
  };
  return {
    qemu: body.qemu,
    at: new Date(body.at),
    report: verifyReportFromJson(body.report),
    added: body.added ?? [],
    dropped: body.dropped ?? [],
  };
}

/** How a boot ended: QEMU's exit status (null when the time limit ended it) and its stderr. */
export interface BootEnd {
  readonly status: number | null;
  readonly reason: string;
  readonly stderr: string;
}

/**
 * Boots the layout for `seconds`; `onSerial` gets the guest's console as it comes (Server-Sent
 * Events over a POST, read from the response stream). Resolves when QEMU is gone.
 */
export async function postBoot(
  c: Companion,
  layout: Layout,
  qemu: string,
  seconds: number,
  onSerial: (text: string) => void,
): Promise<BootEnd> {
  const form = await runForm(layout, qemu);
  form.append("seconds", String(seconds));
  let res: Response;
  try {
    res = await fetch(`${c.base}/boot`, {
      method: "POST",
      body: form,
      headers: { Authorization: `Bearer ${c.token}` },
      credentials: "omit",
      referrerPolicy: "no-referrer",
    });
  } catch {
    throw new CompanionError(
      "unreachable",
      `no companion answers at ${c.base}: is guestmap serve still running?`,
    );
  }
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    throw new CompanionError(
      body?.error?.code ?? `http-${res.status}`,
      body?.error?.message ?? `the companion answered ${res.status}`,
    );
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let end: BootEnd = { status: null, reason: "the stream ended early", stderr: "" };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf("\n\n");
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null") as Record<string, unknown> | null;
      if (event === "serial") onSerial(String(data?.text ?? ""));
      else if (event === "end")
        end = {
          status: (data?.status as number | null) ?? null,
          reason: String(data?.reason),
          stderr: String(data?.stderr ?? ""),
        };
    }
  }
  return end;
}
