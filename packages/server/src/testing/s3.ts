import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A real S3 API server (s3rver) on 127.0.0.1, for medium and end-to-end tests of the S3 blob store. */
export interface TestS3Server {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  bucket: string;
  /** `--blobs` / SKYROLL_BLOBS of a server storing its blobs in this bucket. */
  blobsUrl: string;
  /** The credentials s3rver accepts; a server started in another process needs them in its environment. */
  env: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
  close(): Promise<void>;
}

/** The part of s3rver's API used here (it ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverInstance;

/** s3rver's one account: it checks the access key id (SigV4 signatures themselves it does not verify). */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

/**
 * Starts s3rver on a free port over a fresh temp folder, with one fresh bucket. Sets s3rver's
 * credentials in process.env, where the SDK's default chain finds them (in this process and in
 * the child processes it spawns).
 */
export async function startS3Server(): Promise<TestS3Server> {
  Object.assign(process.env, S3RVER_CREDENTIALS);
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const directory = await fsp.mkdtemp(path.join(os.tmpdir(), 'skyroll-s3-'));
  const bucket = `skyroll-${randomBytes(6).toString('hex')}`;
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    blobsUrl: `s3://${bucket}?endpoint=${endpoint}&region=us-east-1`,
    env: { ...S3RVER_CREDENTIALS },
    async close() {
      // Keep-alive sockets of SDK clients would hold close() open until they time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await fsp.rm(directory, { recursive: true, force: true });
    },
  };
}
