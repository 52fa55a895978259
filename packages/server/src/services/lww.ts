import { compareHlc, type HybridClock } from '@skyroll/protocol';
import type { AssetMetadataClocks } from '../repositories/asset.repository.js';

/**
 * Last writer wins, decided by hybrid-logical-clock timestamps: the functional core of metadata
 * and album changes. A change applies only when it is later than what it would overwrite, so the
 * same changes arriving in any order leave every field the same.
 */

/** Whether a change stamped `incoming` overwrites a value stamped `stored` (null: never set). */
export function isLater(incoming: string, stored: string | null | undefined): boolean {
  return stored === null || stored === undefined || compareHlc(incoming, stored) > 0;
}

/**
 * The timestamp of a change: the client's own (when it was made, maybe offline), which the
 * server's clock takes in so its later ticks order after it; or now, by the server's clock.
 */
export function stampOf(clock: HybridClock, hlc: string | undefined): string {
  if (hlc === undefined) return clock.tick();
  clock.receive(hlc);
  return hlc;
}

export interface MetadataFields {
  favorite?: boolean;
  hidden?: boolean;
  caption?: string;
}

/** Each metadata field with the clock time it was last set (null: never). */
export type MetadataState = Omit<AssetMetadataClocks, 'id'>;

/**
 * The fields of a patch stamped `hlc` that win over the current state, per field; `changed` when
 * one of them changes what is seen (a win that sets the same value only moves the field's clock).
 */
export function winningFields(current: MetadataState, patch: MetadataFields, hlc: string): { won: MetadataFields; changed: boolean } {
  const won: MetadataFields = {};
  let changed = false;
  if (patch.favorite !== undefined && isLater(hlc, current.favoriteHlc)) {
    won.favorite = patch.favorite;
    changed ||= patch.favorite !== current.favorite;
  }
  if (patch.hidden !== undefined && isLater(hlc, current.hiddenHlc)) {
    won.hidden = patch.hidden;
    changed ||= patch.hidden !== current.hidden;
  }
  if (patch.caption !== undefined && isLater(hlc, current.captionHlc)) {
    won.caption = patch.caption;
    changed ||= patch.caption !== current.caption;
  }
  return { won, changed };
}

/** One element of a last-writer-wins set (an asset in an album): present or removed, and when. */
export interface Membership {
  present: boolean;
  hlc: string;
}

/**
 * An add (present) or remove stamped `hlc` against the element's current state (undefined: never
 * added nor removed). A removal of an element never seen is still written: an older add that
 * arrives after it must lose.
 */
export function applyMembership(current: Membership | undefined, present: boolean, hlc: string): { write: boolean; changed: boolean } {
  if (!isLater(hlc, current?.hlc)) return { write: false, changed: false };
  return { write: true, changed: (current?.present ?? false) !== present };
}
