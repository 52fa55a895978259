import { SkyrollError, type Plan, type QuotaExceededDetails } from '@skyroll/protocol';

/** The smallest plan whose quota holds `bytes`, or null when none does. */
export function suggestPlan(plans: readonly Plan[], bytes: number): string | null {
  const fitting = plans.filter((p) => p.quotaBytes >= bytes).sort((a, b) => a.quotaBytes - b.quotaBytes);
  return fitting[0]?.name ?? null;
}

/** The 507 an upload or a commit gets when neededBytes more do not fit: what is used, what would fit. */
export function quotaExceeded(plans: readonly Plan[], usage: { usedBytes: number; quotaBytes: number }, neededBytes: number): SkyrollError {
  const details: QuotaExceededDetails = {
    usedBytes: usage.usedBytes,
    quotaBytes: usage.quotaBytes,
    neededBytes,
    freeBytes: Math.max(0, usage.quotaBytes - usage.usedBytes),
    suggestedPlan: suggestPlan(plans, usage.usedBytes + neededBytes),
  };
  return new SkyrollError('QUOTA_EXCEEDED', undefined, details);
}
