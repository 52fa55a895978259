import { defineConfig } from 'vitest/config';

/**
 * The core end-to-end suite (sync, conflicts, resume, crashes, safety, bad inputs, quota) runs
 * twice: on the embedded default (SQLite + a folder) and on the scale-out engines (PostgreSQL +
 * S3 through s3rver), where every server of a test gets its own database and bucket.
 */
const CORE_E2E = [
  'propagation',
  'dedup-conflict',
  'resume',
  'crash-agent',
  'crash-server',
  'mass-delete',
  'bad-inputs',
  'quota',
].map((name) => `test/e2e/${name}.test.ts`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests start real processes; keep them from fighting over two cores.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'embedded', include: ['packages/*/src/**/*.spec.ts', 'test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'postgres-s3', include: CORE_E2E, env: { SKYROLL_E2E_BACKEND: 'postgres-s3' } },
      },
    ],
  },
});
