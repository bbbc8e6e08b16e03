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

/** Sends the layout and every file the browser has for it; QEMU's answer compared with the prediction. */
export async function postVerify(c: Companion, layout: Layout, qemu: string): Promise<Verification> {
  const form = new FormData();
  form.append("layout", serializeLayout(layout));
  form.append("qemu", qemu);
  for (const ref of uniqueLayoutFiles(layout)) {
    const file = await loadFile(ref);
    if (!file)
      throw new CompanionError(
        "no-file",
        `${ref.path} is a placeholder: drop its file on the map before verifying`,
      );
    form.append("file", file, ref.path);
  }
  const body = (await call(c, "/verify", { method: "POST", body: form })) as {
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
