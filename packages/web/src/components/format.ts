/**
 * Pure helpers of the web app's pages: days left in Recently Deleted, relative ages, the storage
 * bar's segments, plan names. No DOM, no React, so the unit tests run them in Node. (Sizes and
 * durations: ui/format.ts.)
 */

const DAY_MS = 24 * 3600_000;

/** Recently Deleted's retention until the server says its own (GET /api/server/info). */
export const TRASH_RETENTION_DAYS = 30;

/**
 * Whole days a trashed asset has left after the one under way: 29 right after the deletion, 0 in
 * its last 24 hours (then the retention sweep purges it).
 */
export function daysLeft(trashedAt: number, now: number, retentionDays = TRASH_RETENTION_DAYS): number {
  const remaining = trashedAt + retentionDays * DAY_MS - now;
  return Math.max(0, Math.ceil(remaining / DAY_MS) - 1);
}

/** What a Recently Deleted tile says: "29 days", "1 day", and on the last day "Deleted today". */
export function daysLeftText(days: number): string {
  if (days <= 0) return 'Deleted today';
  return days === 1 ? '1 day' : `${days} days`;
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago"; "never" when there is no time. */
export function relativeTime(at: number | null, now: number): string {
  if (at === null) return 'never';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute') + ' ago';
  const hours = Math.round(minutes / 60);
  if (hours < 36) return plural(hours, 'hour') + ' ago';
  const days = Math.round(hours / 24);
  if (days < 60) return plural(days, 'day') + ' ago';
  return plural(Math.round(days / 30), 'month') + ' ago';
}

/** "1 item", "12 items". */
export function itemCount(n: number): string {
  return plural(n, 'item');
}

/** "1 day", "7 days". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export type StorageCategory = 'photos' | 'videos' | 'trash' | 'versions';

export interface UsageSegment {
  category: StorageCategory;
  bytes: number;
  /** Share of the bar, 0..1: of the quota, or of the used bytes when they exceed it. */
  fraction: number;
}

export interface UsageBar {
  segments: UsageSegment[];
  /** Share of the bar still free (0 when full or over). */
  freeFraction: number;
  /** used / quota; above 1 when an account is over its plan (e.g. after moving to a smaller one). */
  usedRatio: number;
  full: boolean;
}

/** The order the storage bar and its legend show the categories in. */
export const STORAGE_CATEGORIES: readonly StorageCategory[] = ['photos', 'videos', 'trash', 'versions'];

/**
 * The storage bar: one segment per non-empty category, measured against the quota — or against
 * the used bytes when they exceed it, so an over-quota bar is full, not overflowing.
 */
export function usageBar(breakdown: Record<StorageCategory, number>, quotaBytes: number): UsageBar {
  const used = STORAGE_CATEGORIES.reduce((sum, c) => sum + breakdown[c], 0);
  const scale = Math.max(quotaBytes, used);
  const segments = STORAGE_CATEGORIES.filter((c) => breakdown[c] > 0).map((category) => ({
    category,
    bytes: breakdown[category],
    fraction: scale === 0 ? 0 : breakdown[category] / scale,
  }));
  return {
    segments,
    freeFraction: scale === 0 ? 0 : Math.max(0, quotaBytes - used) / scale,
    usedRatio: quotaBytes === 0 ? (used > 0 ? Infinity : 0) : used / quotaBytes,
    full: used >= quotaBytes,
  };
}

/** A plan's name as shown: `free` → "Free", `50gb` → "50 GB", anything else as the admin wrote it. */
export function planLabel(name: string): string {
  if (name === 'free') return 'Free';
  const sized = /^(\d+)\s*(gb|tb)$/i.exec(name);
  return sized ? `${sized[1]} ${sized[2].toUpperCase()}` : name;
}

/**
 * A camera as people say it: "Canon EOS R5", not "Canon Canon EOS R5" — many models already
 * start with the maker's name (compared case-insensitively, first word: "NIKON CORPORATION" /
 * "NIKON Z 6_2").
 */
export function cameraLabel(make: string | null | undefined, model: string | null | undefined): string {
  const [m, n] = [make?.trim() ?? '', model?.trim() ?? ''];
  if (!m || !n) return m || n;
  const brand = m.split(/\s+/)[0].toLowerCase();
  return n.toLowerCase().startsWith(brand) ? n : `${m} ${n}`;
}
