/**
 * The local companion (`guestmap serve`) this tab talks to, if any. Without one the app makes no
 * network request at all. It is connected by pasting the URL `guestmap serve` printed, or by
 * opening the app from that URL (then its token is taken out of the address bar at once, so a
 * share link or a screenshot never carries it). Kept for the tab's life in sessionStorage.
 */
import { create } from "zustand";

export interface Companion {
  /** `http://127.0.0.1:PORT`. */
  readonly base: string;
  readonly token: string;
}

const KEY = "guestmap.companion";

/** The companion a pasted URL names, or an error saying what is wrong with it. */
export function parseCompanionUrl(text: string): Companion | { error: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { error: "paste the whole URL guestmap serve printed, e.g. http://127.0.0.1:8321/?token=…" };
  }
  const token = url.searchParams.get("token");
  if (url.protocol !== "http:" || (url.hostname !== "127.0.0.1" && url.hostname !== "localhost"))
    return { error: `the companion runs on this machine only (http://127.0.0.1:PORT), not ${url.origin}` };
  if (!token) return { error: "the URL has no ?token=…: copy it whole from guestmap serve's output" };
  return { base: url.origin, token };
}

function saved(): Companion | undefined {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Companion | null;
    return v && typeof v.base === "string" && typeof v.token === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Opened from the companion (`/?token=…` on its own origin): connect to it, drop the token from the URL. */
function fromLocation(): Companion | undefined {
  if (typeof location === "undefined") return undefined;
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  // Only the companion serves the app on a loopback origin; a ?token= elsewhere is ignored.
  if (!token || "error" in parseCompanionUrl(url.href)) return undefined;
  url.searchParams.delete("token");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  return { base: url.origin, token };
}

export interface CompanionState {
  readonly companion: Companion | undefined;
  /** The layout key and QEMU version the user asked to verify (the result shows while they match). */
  readonly requested: { readonly key: string; readonly qemu: string } | undefined;
  /** The QEMU version picked in the header (undefined: the first for the layout's arch). */
  readonly qemu: string | undefined;
  connected(c: Companion | undefined): void;
  qemuChosen(version: string): void;
  verifyRequested(key: string, qemu: string): void;
}

export const useCompanion = create<CompanionState>()((set) => ({
  companion: fromLocation() ?? saved(),
  requested: undefined,
  qemu: undefined,
  qemuChosen: (qemu) => set({ qemu }),
  connected: (companion) => {
    try {
      if (companion) sessionStorage.setItem(KEY, JSON.stringify(companion));
      else sessionStorage.removeItem(KEY);
    } catch {
      // storage refused: the connection lasts until reload
    }
    set({ companion, requested: undefined });
  },
  verifyRequested: (key, qemu) => set({ requested: { key, qemu } }),
}));

{
  const c = useCompanion.getState().companion;
  if (c) useCompanion.getState().connected(c);
}
