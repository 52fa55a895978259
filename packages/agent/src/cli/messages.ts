/** The one mapping from an error to the sentence the CLI prints. */
import { ERRORS, SkyrollError, type ErrorCode } from '@skyroll/protocol';
import { OfflineError } from '../transfer/api-client.js';
import { AgentError } from './agent-error.js';

export const MESSAGES: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The server rejected the request as malformed.',
  VALIDATION_FAILED: 'The server rejected the request: it does not match the expected shape.',
  INVALID_JSON: 'The server could not read the request (invalid JSON).',
  EMPTY_FILE: 'The file is empty (0 bytes) and cannot be synced.',
  UNSUPPORTED_MEDIA: 'The file is not a photo or video Skyroll can store.',
  CORRUPT_MEDIA: 'The file is damaged or truncated.',
  CHECKSUM_MISMATCH: 'The uploaded bytes did not match their checksum (the file changed during upload?); it will be retried.',
  INVALID_PATH: 'The path is not allowed (it must be a plain relative path).',
  PAYLOAD_TOO_LARGE: 'The request is too large for the server.',
  UNAUTHORIZED: 'Not signed in, or this device was signed out: run `skyroll login`.',
  CSRF_REQUIRED: 'The server refused a browser-session request without its CSRF header.',
  INVALID_CREDENTIALS: 'Wrong email or password.',
  EMAIL_TAKEN: 'An account with this email already exists: run `skyroll login`.',
  RATE_LIMITED: 'Too many attempts: wait a minute and try again.',
  NOT_FOUND: 'No such item.',
  BLOB_MISSING: 'The original has not been uploaded yet; sync will upload it.',
  QUOTA_EXCEEDED: 'Cloud storage is full: free space (empty the trash) or choose a bigger plan.',
  UPLOAD_LOCKED: 'The upload is busy on the server (another request holds it); it is retried shortly.',
  UPDATE_REQUIRED: 'This version of Skyroll cannot talk to the server: update Skyroll.',
  INTERNAL: 'The server had an internal error; try again later.',
};

/** One line for any error; the server's own message is added when it says more. */
export function messageOf(err: unknown): string {
  if (err instanceof SkyrollError) {
    const text = MESSAGES[err.code];
    const extra = err.message && err.message !== ERRORS[err.code].message ? ` (${err.message})` : '';
    const details = err.code === 'VALIDATION_FAILED' && err.details ? ` ${JSON.stringify(err.details).slice(0, 300)}` : '';
    return `${text}${extra}${details}`;
  }
  if (err instanceof OfflineError) return `Cannot reach the server at ${err.server}${err.detailText ? ` (${err.detailText})` : ''}: check the address and the network.`;
  if (err instanceof AgentError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return 'The device is out of space.';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `Permission denied: ${e.path ?? e.message}`;
  return e instanceof Error ? e.message : String(err);
}

export function exitCodeOf(err: unknown): number {
  return err instanceof AgentError ? err.exitCode : 1;
}
