/**
 * The mass-deletion guard (pure): a folder emptied by accident, or unmounted, must not empty the
 * library on every device. Deletions past these limits wait for an explicit confirmation.
 */
export const MASS_DELETE_MAX = 50;
export const MASS_DELETE_MIN = 5;
export const MASS_DELETE_SHARE = 0.2;

export interface GuardInput {
  /** Local deletions that would move assets to the cloud trash. */
  deletions: number;
  /** Items in sync before this pass (base records). */
  synced: number;
  markerPresent: boolean;
  confirmed: boolean;
  folder: string;
}

export type GuardVerdict = { allowed: true } | { allowed: false; detail: string };

export function massDeleteGuard(input: GuardInput): GuardVerdict {
  const { deletions, synced, markerPresent, confirmed, folder } = input;
  if (deletions === 0 || confirmed) return { allowed: true };
  const confirm = `if intended, run: skyroll sync ${quote(folder)} --confirm-deletions`;
  if (!markerPresent && synced > 0) {
    return {
      allowed: false,
      detail: `the folder marker .skyroll/folder is missing (folder emptied or unmounted?); ${deletions} deletion(s) held; ${confirm}`,
    };
  }
  if (deletions > MASS_DELETE_MAX || (deletions > MASS_DELETE_MIN && deletions > MASS_DELETE_SHARE * synced)) {
    return { allowed: false, detail: `${deletions} of ${synced} synced items were deleted at once; held; ${confirm}` };
  }
  return { allowed: true };
}

function quote(path: string): string {
  return /^[\w./~-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
