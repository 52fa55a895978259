import { createSHA256 } from 'hash-wasm';

/** Files up to this size are hashed in one call by the browser's own SHA-256 (the file is read into memory). */
const SUBTLE_MAX_BYTES = 256 * 1024 * 1024;
const CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * The lowercase hex SHA-256 of a file: the asset's identity, which the server checks the upload
 * against. Big videos are hashed chunk by chunk (WebAssembly), so memory stays flat; so is every
 * file where `crypto.subtle` is missing (a page served over plain http from another machine).
 */
export async function sha256Hex(file: Blob, onProgress?: (fraction: number) => void): Promise<string> {
  if (crypto.subtle && file.size <= SUBTLE_MAX_BYTES) {
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    onProgress?.(1);
    return toHex(new Uint8Array(digest));
  }
  const hasher = await createSHA256();
  hasher.init();
  for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
    const chunk = await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer();
    hasher.update(new Uint8Array(chunk));
    onProgress?.(Math.min(1, (offset + CHUNK_BYTES) / file.size));
  }
  return hasher.digest('hex');
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
