/**
 * Components whose code is loaded after the first paint: the Import, Export and Verify menus, the
 * verification panels and overlay and the /chosen preview, with everything they bring (the
 * command-line and DTB importers, the DTB encoder and printer, the image and share-link writers,
 * zod, the companion client). Each renders nothing until the page has painted once and its chunk
 * is in — a few milliseconds after the map, from the service worker's cache on later visits.
 */
import { lazy, type ReactNode, Suspense, useEffect, useState } from "react";
import type { Scale, View } from "../map/scale";
import { afterNextPaint } from "./after-map";

let painted = false;

/**
 * Its children once the browser has painted the first frame. Before that, loading and running
 * these chunks would compete with the first paint for the main thread (zod alone takes ~10 ms).
 */
export function AfterFirstPaint({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(painted);
  useEffect(() => {
    if (ready) return;
    return afterNextPaint(() => {
      painted = true;
      setReady(true);
    });
  }, [ready]);
  return ready ? (
    <Suspense fallback={null}>
      <LazyQueryProvider>{children}</LazyQueryProvider>
    </Suspense>
  ) : null;
}

// The chunks, each one import() (the module system loads each once, whoever asks first).
const loaders = {
  // The react-query client, for every part loaded here (the map itself needs none to be drawn).
  queryProvider: () => import("./query-provider"),
  exportMenu: () => import("../panels/ExportMenu"),
  importMenu: () => import("../panels/ImportMenu"),
  verifyControls: () => import("../verify/VerifyControls"),
  verifyResults: () => import("../verify/VerifyResults"),
  chosenPreview: () => import("../panels/ChosenPreview"),
  verifyOverlay: () => import("../verify/VerifyOverlay"),
  bootConsole: () => import("../verify/BootConsole"),
};

/**
 * Starts loading what shows on the page without a click (react-query's provider, the /chosen
 * preview): mounting alone would load them in a chain, the provider's chunk first and a
 * component's only when the provider renders it. The menus follow as they mount.
 */
export function preloadComponents(): void {
  void loaders.queryProvider();
  void loaders.chosenPreview();
}

const LazyQueryProvider = lazy(loaders.queryProvider);
const LazyExportMenu = lazy(async () => ({ default: (await loaders.exportMenu()).ExportMenu }));
const LazyShareButton = lazy(async () => ({ default: (await loaders.exportMenu()).ShareButton }));
const LazyImportMenu = lazy(async () => ({ default: (await loaders.importMenu()).ImportMenu }));
const LazyVerifyControls = lazy(async () => ({ default: (await loaders.verifyControls()).VerifyControls }));
const LazyVerifyResults = lazy(async () => ({ default: (await loaders.verifyResults()).VerifyResults }));
const LazyChosenPreview = lazy(async () => ({ default: (await loaders.chosenPreview()).ChosenPreview }));
const LazyVerifyOverlay = lazy(async () => ({ default: (await loaders.verifyOverlay()).VerifyOverlay }));
const LazyBootConsole = lazy(async () => ({ default: (await loaders.bootConsole()).BootConsole }));

export function ExportMenu() {
  return (
    <AfterFirstPaint>
      <LazyExportMenu />
    </AfterFirstPaint>
  );
}

export function ShareButton({ className }: { className: string }) {
  return (
    <AfterFirstPaint>
      <LazyShareButton className={className} />
    </AfterFirstPaint>
  );
}

export function ImportMenu() {
  return (
    <AfterFirstPaint>
      <LazyImportMenu />
    </AfterFirstPaint>
  );
}

export function VerifyControls() {
  return (
    <AfterFirstPaint>
      <LazyVerifyControls />
    </AfterFirstPaint>
  );
}

export function VerifyResults() {
  return (
    <AfterFirstPaint>
      <LazyVerifyResults />
    </AfterFirstPaint>
  );
}

export function BootConsole() {
  return (
    <AfterFirstPaint>
      <LazyBootConsole />
    </AfterFirstPaint>
  );
}

export function ChosenPreview() {
  return (
    <AfterFirstPaint>
      <LazyChosenPreview />
    </AfterFirstPaint>
  );
}

export function VerifyOverlay(props: { scale: Scale; view: View }) {
  return (
    <AfterFirstPaint>
      <LazyVerifyOverlay {...props} />
    </AfterFirstPaint>
  );
}
