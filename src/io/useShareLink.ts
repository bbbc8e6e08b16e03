import { useEffect } from "react";
import { FIT } from "../map/scale";
import { useGuestmap } from "../store/store";
import { layoutFromHash } from "./exports";
import { fillPlaceholders } from "./imports";

/** Opens a layout shared in the URL (`#layout=…`), then drops the hash so a reload shows the saved state. */
export function useShareLink() {
  useEffect(() => {
    openFromHash();
    window.addEventListener("hashchange", openFromHash);
    return () => window.removeEventListener("hashchange", openFromHash);
  }, []);
}

function openFromHash() {
  const hash = window.location.hash;
  if (!hash.startsWith("#layout=")) return;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  let layout: ReturnType<typeof layoutFromHash>;
  try {
    layout = layoutFromHash(hash);
  } catch (e) {
    useGuestmap
      .getState()
      .noticed({ kind: "error", text: `The shared link is damaged: ${(e as Error).message}` });
    return;
  }
  if (!layout) return;
  fillPlaceholders(layout).then((filled) => {
    const s = useGuestmap.getState();
    s.dispatch({ type: "replaceLayout", layout: filled });
    s.viewChanged(FIT);
    s.noticed({
      kind: "info",
      text: "Opened a shared layout (files are not part of a link: drop them to fill placeholders).",
    });
  });
}
