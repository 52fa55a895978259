import { QuotaExceededDetails } from '@skyroll/protocol';
import { ApiError } from './api.js';
import { formatBytes } from './ui/format.js';

/** An error as one sentence a person can act on. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'QUOTA_EXCEEDED') return quotaMessage(err.details);
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** 507: how full, how much more was needed, and the plan that would fit. */
export function quotaMessage(details: unknown): string {
  const parsed = QuotaExceededDetails.safeParse(details);
  if (!parsed.success) return 'Your cloud storage is full. Free space in Recently Deleted or upgrade your plan.';
  const d = parsed.data;
  const plan = d.suggestedPlan
    ? `Upgrade to the ${d.suggestedPlan} plan, or free space by emptying Recently Deleted.`
    : 'No plan is big enough: free space by deleting items and emptying Recently Deleted.';
  return `Your cloud storage is full: ${formatBytes(d.usedBytes)} of ${formatBytes(d.quotaBytes)} used, and this needs ${formatBytes(d.neededBytes)} more. ${plan}`;
}
