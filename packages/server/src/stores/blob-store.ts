import type { Readable } from 'node:stream';

/** An inclusive byte range, as in HTTP Range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where originals live. Keys are opaque '/'-separated strings chosen by the caller
 * (`<accountId>/<aa>/<checksum>`). The filesystem implementation is the embedded default; an S3
 * implementation can follow without touching the services.
 */
export interface BlobStore {
  /**
   * Takes ownership of a complete local file and stores it under key. Crash-safe: after a crash
   * the key holds either nothing or the whole file, never part of it.
   */
  importFile(key: string, localPath: string): Promise<void>;
  /** Size in bytes, or undefined when the key holds nothing. */
  size(key: string): Promise<number | undefined>;
  /** Streams the bytes of key, or of one range of them. */
  read(key: string, range?: ByteRange): Readable;
  delete(key: string): Promise<void>;
}

export function originalKey(accountId: string, checksum: string): string {
  return `${accountId}/${checksum.slice(0, 2)}/${checksum}`;
}

export type DerivativeKind = 'preview' | 'thumbnail';
const DERIVATIVE_EXTENSIONS: Record<DerivativeKind, string> = { preview: 'jpg', thumbnail: 'webp' };

/**
 * Derivatives of an original live beside it in the same store
 * (`<accountId>/preview/<aa>/<checksum>.jpg`, `<accountId>/thumbnail/<aa>/<checksum>.webp`).
 */
export function derivativeKey(accountId: string, checksum: string, kind: DerivativeKind): string {
  return `${accountId}/${kind}/${checksum.slice(0, 2)}/${checksum}.${DERIVATIVE_EXTENSIONS[kind]}`;
}
