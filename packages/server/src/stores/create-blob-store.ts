import type { BlobsConfig } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';

/**
 * The configured blob store: a folder (the embedded default, or a shared volume) or an S3 bucket.
 * Either is checked before the server starts: a bucket that does not answer stops it, naming the
 * bucket and the endpoint.
 */
export async function createBlobStore(config: BlobsConfig, tmpDir: string): Promise<BlobStore> {
  if (config.kind === 'fs') {
    const store = new FsBlobStore(config.dir, tmpDir);
    await store.init();
    return store;
  }
  // The AWS SDK takes ~0.3 s to load: only servers on S3 pay for it.
  const { S3BlobStore } = await import('./s3-blob-store.js');
  const store = new S3BlobStore(config);
  await store.init();
  return store;
}
