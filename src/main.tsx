/**
 * Entry point. index.html shows a placeholder header; evaluating the app's scripts (React, the
 * core's placements and rules: ~150 KB gzip) would hold the browser's first paint back until they
 * have run, so they are loaded with `import()`, after that paint.
 */
import { registerServiceWorker } from "./io/service-worker";
import "./index.css";

registerServiceWorker();
import("./boot");
