/**
 * Registers the service worker that keeps the built app working offline (build/precache.ts).
 * Relative URL: the app may be hosted under any sub-path, and the worker's scope is that folder.
 * Not in the dev server, which has no sw.js and serves modules that change on every edit.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  // After the first render's work: the worker's precache downloads must not compete with it.
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("./sw.js").catch((e: unknown) => {
      // Offline use is a convenience: the app runs without it (file://, a private window).
      console.warn(`guestmap: offline use unavailable: ${(e as Error).message}`);
    });
  });
}
