/** `skyroll storage`: cloud usage as text, with a bar (pure). */
import type { StorageDetails } from '@skyroll/protocol';
import { formatBytes } from './policy/rules.js';

const BAR_WIDTH = 40;

export function usageBar(used: number, quota: number, width = BAR_WIDTH): string {
  const ratio = quota > 0 ? Math.min(1, used / quota) : 1;
  const full = Math.round(ratio * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

export function formatStorage(s: StorageDetails): string {
  const percent = s.quotaBytes > 0 ? Math.round((s.usedBytes / s.quotaBytes) * 100) : 100;
  const free = Math.max(0, s.quotaBytes - s.usedBytes);
  const row = (label: string, bytes: number) => `  ${label.padEnd(20)} ${formatBytes(bytes).padStart(9)}`;
  const lines = [
    `Cloud storage: ${formatBytes(s.usedBytes)} of ${formatBytes(s.quotaBytes)} used (${percent}%), ${formatBytes(free)} free — plan ${s.plan}`,
    `${usageBar(s.usedBytes, s.quotaBytes)} ${percent}%`,
    row('photos', s.breakdown.photos),
    row('videos', s.breakdown.videos),
    row('trash', s.breakdown.trash),
    row('versions', s.breakdown.versions),
  ];
  if (s.breakdown.byDevice.length) {
    lines.push('By device:');
    for (const d of [...s.breakdown.byDevice].sort((a, b) => b.bytes - a.bytes)) lines.push(row(d.name, d.bytes));
  }
  if (s.plans.length) {
    const plans = [...s.plans].sort((a, b) => a.quotaBytes - b.quotaBytes).map((p) => `${p.name} ${formatBytes(p.quotaBytes)}${p.name === s.plan ? ' (current)' : ''}`);
    lines.push(`Plans: ${plans.join(', ')}`);
  }
  if (s.breakdown.trash > 0 && percent >= 90) lines.push(`Tip: \`skyroll trash empty\` frees ${formatBytes(s.breakdown.trash)} now.`);
  return lines.join('\n');
}
