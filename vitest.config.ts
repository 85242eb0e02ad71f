import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Multi-process tests start real gateways; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
