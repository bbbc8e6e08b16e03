/**
 * A verification report as JSON (the `serve` companion's reply, `verify --json`): addresses and
 * sizes as `0x…` strings, because JSON numbers lose precision above 2^53; and back.
 */
import type { BlobVerdict, RegionVerdict, VerifyReport } from "./compare.js";

type Jsonified<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Jsonified<T[K]> }
      : T;

/** The report as it travels: every bigint a `0x…` string. */
export type VerifyReportJson = Jsonified<VerifyReport> & { readonly format: "guestmap-verify" };

function toJson(v: unknown): unknown {
  if (typeof v === "bigint") return `0x${v.toString(16)}`;
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

export function verifyReportToJson(report: VerifyReport): VerifyReportJson {
  return { format: "guestmap-verify", ...(toJson(report) as Jsonified<VerifyReport>) };
}

/** A malformed report (not one our companion sent); `message` says which field. */
export class VerifyReportError extends Error {
  readonly code = "bad-verify-report";
}

const big = (v: unknown, field: string): bigint => {
  if (typeof v === "string" && /^0x[0-9a-f]+$/i.test(v)) return BigInt(v);
  throw new VerifyReportError(`verification report: ${field} is not a 0x… number`);
};
const span = (v: unknown, field: string) => {
  const o = v as { addr?: unknown; size?: unknown } | undefined;
  return o === undefined
    ? undefined
    : { addr: big(o.addr, `${field}.addr`), size: big(o.size, `${field}.size`) };
};

/**
 * Reads a report back, checking the fields a renderer relies on.
 *
 * @throws VerifyReportError for anything else
 */
export function verifyReportFromJson(json: unknown): VerifyReport {
  const j = json as Partial<VerifyReportJson> | null;
  if (j?.format !== "guestmap-verify" || !Array.isArray(j.regions) || !Array.isArray(j.blobs) || !j.refusal)
    throw new VerifyReportError("verification report: not a guestmap-verify document");
  const regions: RegionVerdict[] = j.regions.map((r, i) => {
    const predicted = span(r.predicted, `regions[${i}].predicted`);
    const qemu = span(r.qemu, `regions[${i}].qemu`);
    return {
      name: String(r.name),
      equal: r.equal === true,
      ...(r.id !== undefined && { id: String(r.id) }),
      ...(r.role !== undefined && { role: r.role }),
      ...(r.domain !== undefined && { domain: String(r.domain) }),
      ...(r.approximate === true && { approximate: true }),
      ...(predicted && { predicted }),
      ...(qemu && { qemu }),
    };
  });
  const blobs: BlobVerdict[] = j.blobs.map((b, i) => ({
    id: String(b.id),
    name: String(b.name),
    ...(b.domain !== undefined && { domain: String(b.domain) }),
    addr: big(b.addr, `blobs[${i}].addr`),
    size: big(b.size, `blobs[${i}].size`),
    read: b.read === true,
    intact: b.intact === true,
    overwritten: big(b.overwritten, `blobs[${i}].overwritten`),
    ...(b.firstDiff !== undefined && { firstDiff: big(b.firstDiff, `blobs[${i}].firstDiff`) }),
    ...(b.lastDiff !== undefined && { lastDiff: big(b.lastDiff, `blobs[${i}].lastDiff`) }),
    ...(b.by && { by: b.by }),
    predicted: b.predicted === true,
    summary: String(b.summary),
  }));
  return {
    qemuVersion: String(j.qemuVersion),
    profile: String(j.profile),
    agrees: j.agrees === true,
    refusal: {
      predicted: j.refusal.predicted === true,
      qemu: j.refusal.qemu === true,
      ...(j.refusal.message !== undefined && { message: String(j.refusal.message) }),
      codes: (j.refusal.codes ?? []).map(String),
      equal: j.refusal.equal === true,
    },
    regions,
    ...(j.chosen && { chosen: j.chosen }),
    blobs,
    differences: (j.differences ?? []).map(String),
  };
}
