import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  // Resolve @guestmap/core to its TypeScript source so the app needs no separate core build.
  resolve: { conditions: ["source", "module", "browser", "development|production"] },
  server: { port: 5173 },
  preview: { port: 4173 },
});
