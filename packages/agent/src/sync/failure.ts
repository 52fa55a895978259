import { QuotaExceededDetails, SKYROLL_VERSION, SkyrollError, UpdateRequiredDetails } from '@skyroll/protocol';
import { formatBytes } from '../policy/rules.js';
import type { ItemState, Reason } from '../state/item.repository.js';
import { OfflineError, agentProtocol } from '../transfer/api-client.js';

export interface Failure {
  state: Extract<ItemState, 'blocked' | 'failed' | 'pending'>;
  reason: Reason | null;
  detail: string;
  /** The server cannot be reached: stop the pass and retry later. */
  offline?: boolean;
  /** No action of this device can succeed until the person acts (sign in again, update). */
  fatal?: boolean;
  /** The server refused these bytes for good: not retried until the file changes. */
  permanent?: boolean;
  /** Worth another try soon (the file or the asset changed under the transfer). */
  retrySoon?: boolean;
  /** Worth another try after this long, a few times (a preview the server is still making). */
  retryAfterMs?: number;
}

/** Refusals about the file's bytes themselves. */
const FINAL_FOR_THESE_BYTES = new Set(['EMPTY_FILE', 'UNSUPPORTED_MEDIA', 'CORRUPT_MEDIA', 'PAYLOAD_TOO_LARGE', 'INVALID_PATH']);

/** What an error during an action means for its item (pure). */
export function failureOf(err: unknown): Failure {
  if (err instanceof OfflineError) return { state: 'blocked', reason: 'connection', detail: err.message, offline: true };
  if (err instanceof SkyrollError) {
    if ((err as { transient?: boolean }).transient) return { state: 'pending', reason: null, detail: err.message, retrySoon: true };
    switch (err.code) {
      case 'QUOTA_EXCEEDED':
        return { state: 'blocked', reason: 'cloud-storage', detail: quotaDetail(err) };
      case 'UPDATE_REQUIRED':
        return { state: 'blocked', reason: 'version', detail: updateRequiredDetail(err), fatal: true };
      case 'UNAUTHORIZED':
        return { state: 'blocked', reason: 'account', detail: signedOutDetail(err), fatal: true };
      case 'CHECKSUM_MISMATCH':
      case 'BLOB_MISSING':
      case 'UPLOAD_LOCKED':
        return { state: 'pending', reason: null, detail: err.message, retrySoon: true };
      case 'INTERNAL':
      case 'RATE_LIMITED':
        return { state: 'pending', reason: 'connection', detail: err.message, offline: true };
      default:
        return { state: 'failed', reason: 'agent', detail: err.message, permanent: FINAL_FOR_THESE_BYTES.has(err.code) };
    }
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') return { state: 'blocked', reason: 'device-storage', detail: 'the device is out of space' };
  return { state: 'failed', reason: 'agent', detail: e?.message ?? String(err) };
}

/** "Update required", plainly, with the versions on both sides. */
export function updateRequiredDetail(err: SkyrollError): string {
  const d = UpdateRequiredDetails.safeParse(err.details);
  const range = d.success ? `the server (Skyroll ${d.data.serverVersion}) accepts protocol ${d.data.min === d.data.max ? d.data.min : `${d.data.min} to ${d.data.max}`}` : err.message;
  return `Update required: this Skyroll (${SKYROLL_VERSION}) speaks protocol ${agentProtocol()}, and ${range}. Update Skyroll on this device, then start skyroll sync again`;
}

/** A token the server no longer accepts: revoked from another device, or unknown. */
export function signedOutDetail(err: SkyrollError): string {
  const revoked = (err.details as { revoked?: unknown } | undefined)?.revoked === true;
  return revoked
    ? 'This device was signed out of the account (revoked from another device): sign in again with skyroll login'
    : `The server no longer accepts this device's sign-in (${err.message}): sign in again with skyroll login`;
}

/** What to free, or which plan fits, from a 507's details; retried when storage changes. */
export function quotaDetail(err: SkyrollError): string {
  const parsed = QuotaExceededDetails.safeParse(err.details);
  if (!parsed.success) return `${err.message}: free space (empty the trash) or choose a bigger plan; retried automatically`;
  const d = parsed.data;
  const toFree = Math.max(0, d.neededBytes - d.freeBytes);
  const plan = d.suggestedPlan ? `, or move to the ${d.suggestedPlan} plan` : '';
  return (
    `Cloud storage is full (${formatBytes(d.usedBytes)} of ${formatBytes(d.quotaBytes)} used): this item needs ${formatBytes(d.neededBytes)}; ` +
    `free ${formatBytes(toFree)} (\`skyroll trash empty\`)${plan}; retried automatically`
  );
}

export function isAbort(err: unknown): boolean {
  return (err as Error)?.name === 'AbortError';
}
