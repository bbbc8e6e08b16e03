/**
 * Components whose code is loaded after the first paint: the Import, Export and Verify menus, the
 * verification panels and overlay and the /chosen preview, with everything they bring (the
 * command-line and DTB importers, the DTB encoder and printer, the image and share-link writers,
 * zod, the companion client). Each renders nothing until the page has painted once and its chunk
 * is in — a few milliseconds after the map, from the service worker's cache on later visits.
 */
import { lazy, type ReactNode, Suspense, useEffect, useState } from "react";
import type { Scale, View } from "../map/scale";

let painted = false;

/**
 * Its children once the browser has painted the first frame. Before that, loading and running
 * these chunks would compete with the first paint for the main thread (zod alone takes ~10 ms).
 */
export function AfterFirstPaint({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(painted);
  useEffect(() => {
    if (ready) return;
    const go = () => {
      painted = true;
      setReady(true);
    };
    // The frame after the next one: the first has been painted by then. A tab opened in the
    // background gets no frames: the timer stands in.
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(go);
    });
    const timer = setTimeout(go, 250);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [ready]);
  return ready ? (
    <Suspense fallback={null}>
      <LazyQueryProvider>{children}</LazyQueryProvider>
    </Suspense>
  ) : null;
}

// The react-query client, for every part loaded here (the map itself needs none to be drawn).
const LazyQueryProvider = lazy(() => import("./query-provider"));

const exportMenu = () => import("../panels/ExportMenu");
const LazyExportMenu = lazy(async () => ({ default: (await exportMenu()).ExportMenu }));
const LazyShareButton = lazy(async () => ({ default: (await exportMenu()).ShareButton }));
const LazyImportMenu = lazy(async () => ({ default: (await import("../panels/ImportMenu")).ImportMenu }));
const LazyVerifyControls = lazy(async () => ({
  default: (await import("../verify/VerifyControls")).VerifyControls,
}));
const LazyVerifyResults = lazy(async () => ({
  default: (await import("../verify/VerifyResults")).VerifyResults,
}));
const LazyChosenPreview = lazy(async () => ({
  default: (await import("../panels/ChosenPreview")).ChosenPreview,
}));
const LazyVerifyOverlay = lazy(async () => ({
  default: (await import("../verify/VerifyOverlay")).VerifyOverlay,
}));
const LazyBootConsole = lazy(async () => ({ default: (await import("../verify/BootConsole")).BootConsole }));

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
