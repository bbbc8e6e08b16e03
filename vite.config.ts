import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { precacheServiceWorker } from "./build/precache.ts";

/**
 * index.html's Content-Security-Policy holds for the built app (`npm run build`, what users and
 * the e2e tests load). Vite's dev server injects inline scripts for hot reload, so `npm start`
 * serves the page without it.
 */
function cspOnlyInBuild(): Plugin {
  return {
    name: "guestmap-csp-only-in-build",
    apply: "serve",
    transformIndexHtml: (html) =>
      html.replace(/\s*<meta\s+http-equiv="Content-Security-Policy"[^>]*\/>/s, ""),
  };
}

export default defineConfig({
  plugins: [react(), tailwindcss(), cspOnlyInBuild(), precacheServiceWorker()],
  // Relative URLs throughout: the built folder works under any sub-path (https://host/tools/guestmap/).
  base: "./",
  // Resolve @guestmap/core to its TypeScript source so the app needs no separate core build.
  resolve: { conditions: ["source", "module", "browser", "development|production"] },
  server: { port: 5173 },
  preview: { port: 4173 },
});
