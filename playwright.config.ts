import { defineConfig } from "@playwright/test";

/** An uncommon port, so a developer's own `vite preview` (4173) never collides with the e2e server. */
export const E2E_PORT = Number(process.env.GUESTMAP_E2E_PORT ?? 4399);
const origin = `http://127.0.0.1:${E2E_PORT}`;

// Playwright cannot download a browser here: it drives Debian's Chromium.
export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  // Generous: CI shares 2 cores with QEMU-heavy suites; a slow frame must not fail a test.
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: process.env.CI ? "line" : "list",
  use: {
    baseURL: origin,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: `npm run build && npx vite preview --host 127.0.0.1 --port ${E2E_PORT} --strictPort`,
    url: origin,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
