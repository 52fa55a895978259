/**
 * Which engines an end-to-end server runs on. The embedded default (SQLite + a local folder)
 * unless SKYROLL_E2E_BACKEND=postgres-s3: then every server the harness starts gets a PostgreSQL
 * database of its own on the machine's PostgreSQL and a bucket on a local S3 API server (s3rver),
 * so the same end-to-end tests run on the scale-out engines.
 */
import { createTestDatabase } from '../../packages/server/src/testing/postgres.js';
import { S3RVER_CREDENTIALS, startS3Server } from '../../packages/server/src/testing/s3.js';

export type Backend = 'embedded' | 'postgres-s3';

export function backendOf(env: NodeJS.ProcessEnv = process.env): Backend {
  const value = env.SKYROLL_E2E_BACKEND ?? 'embedded';
  if (value !== 'embedded' && value !== 'postgres-s3') throw new Error(`SKYROLL_E2E_BACKEND: expected embedded or postgres-s3, got ${value}`);
  return value;
}

export interface ServerBackend {
  /** Added to the server's environment. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** The engines of one more server: nothing for the embedded default; a database and a bucket otherwise. */
export async function provisionBackend(label: string, backend: Backend = backendOf()): Promise<ServerBackend> {
  if (backend === 'embedded') return { env: {}, close: async () => {} };
  return provisionPostgresS3(label);
}

export async function provisionPostgresS3(label: string): Promise<ServerBackend> {
  const database = await createTestDatabase(label.replace(/[^a-z0-9_]/gi, '_').toLowerCase());
  let s3: Awaited<ReturnType<typeof startS3Server>>;
  try {
    s3 = await startS3Server();
  } catch (err) {
    await database.drop();
    throw err;
  }
  return {
    env: {
      SKYROLL_DB: database.url,
      SKYROLL_BLOBS: s3.blobsUrl,
      ...S3RVER_CREDENTIALS,
    },
    close: async () => {
      await s3.close();
      await database.drop();
    },
  };
}
