/**
 * Who may talk to the companion: requests addressed to it by its loopback name (no DNS
 * rebinding), from no browser origin or an allowed one (the companion's own, or one passed with
 * --allow-origin; never a wildcard), carrying the token made at start.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export interface GuardConfig {
  readonly port: number;
  readonly token: string;
  /** Origins besides the companion's own whose pages may call it, e.g. `http://localhost:5173`. */
  readonly allowOrigins: readonly string[];
}

export type Refusal = { status: number; code: string; message: string };

export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** The request's Host is the companion's own loopback name. */
export function checkHost(req: IncomingMessage, cfg: GuardConfig): Refusal | undefined {
  const host = req.headers.host ?? "";
  if (host === `127.0.0.1:${cfg.port}` || host === `localhost:${cfg.port}`) return undefined;
  return {
    status: 421,
    code: "bad-host",
    message: `this companion answers only to 127.0.0.1:${cfg.port}, not '${host}'`,
  };
}

/** The browser origin that sent the request, if it is allowed; `null` for a request with none. */
export function allowedOrigin(req: IncomingMessage, cfg: GuardConfig): string | null | Refusal {
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  if (ownOrigins(cfg.port).includes(origin) || cfg.allowOrigins.includes(origin)) return origin;
  return {
    status: 403,
    code: "forbidden-origin",
    message: `pages from ${origin} may not use this companion; restart it with --allow-origin ${origin} to allow them`,
  };
}

/** The token as `Authorization: Bearer …` or the `token` query parameter, compared in constant time. */
export function checkToken(req: IncomingMessage, url: URL, cfg: GuardConfig): Refusal | undefined {
  const auth = req.headers.authorization;
  const given = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : (url.searchParams.get("token") ?? "");
  const a = Buffer.from(given);
  const b = Buffer.from(cfg.token);
  if (a.length === b.length && timingSafeEqual(a, b)) return undefined;
  return {
    status: 401,
    code: given === "" ? "missing-token" : "wrong-token",
    message:
      given === ""
        ? "this companion needs its token: use the URL it printed (…/?token=…) or send Authorization: Bearer TOKEN"
        : "wrong token: use the URL this companion printed when it started",
  };
}
