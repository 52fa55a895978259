import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests start real processes; keep them from fighting over two cores.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
