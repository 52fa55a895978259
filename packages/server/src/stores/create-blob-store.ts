import type { BlobsConfig } from '../config.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';

/** The configured blob store: a folder (the embedded default, or a shared volume) or S3. */
export async function createBlobStore(config: BlobsConfig, tmpDir: string): Promise<BlobStore> {
  if (config.kind === 'fs') {
    const store = new FsBlobStore(config.dir, tmpDir);
    await store.init();
    return store;
  }
  throw new Error('S3 blob stores are not supported yet');
}
