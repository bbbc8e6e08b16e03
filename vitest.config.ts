import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/test/**/*.test.ts", "src/**/*.test.ts"],
          exclude: ["src/conformance/**", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "conformance",
          // src/conformance: the app's adapters against the CLI (no DOM needed).
          include: ["packages/*/conformance/**/*.test.ts", "src/conformance/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Real guests booting under TCG (Xen + Linux): seconds each, two at a time on 2 cores.
          name: "boot",
          include: ["packages/*/boot/**/*.test.ts"],
          fileParallelism: false,
          maxConcurrency: 2,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
