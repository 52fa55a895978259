/** `skyroll devices`: the account's devices, their settings and health, as text (pure). */
import type { Device } from '@skyroll/protocol';
import { formatBytes } from './policy/rules.js';

const SETTING_NAMES: [keyof Device['settings'], string][] = [
  ['sync', 'sync'],
  ['mobileData', 'mobile-data'],
  ['unlimitedUpdates', 'unlimited-updates'],
  ['onlyWhenCharging', 'only-when-charging'],
  ['optimizeStorage', 'optimize-storage'],
];

export function formatDevices(devices: Device[], thisDeviceId: string | undefined, now = Date.now()): string {
  const blocks = devices.map((d) => {
    const title = `${d.name}${d.id === thisDeviceId ? ' (this device)' : ''}${d.revoked ? ' — signed out' : ''}`;
    const lines = [title, `  id ${d.id}; last seen ${d.lastSeenAt ? `${ago(now - d.lastSeenAt)} ago` : 'never'}`];
    lines.push(`  settings: ${SETTING_NAMES.map(([key, name]) => `${name} ${d.settings[key] ? 'on' : 'off'}`).join(', ')}`);
    const h = d.health;
    if (!h) lines.push('  health: no report yet (no agent has run on it)');
    else {
      const when = `reported ${ago(now - h.reportedAt)} ago${h.stale ? ', stale: the agent is not running or cannot reach the server' : ''}`;
      const waiting = h.pending + h.blocked;
      const counts = `${h.synced} synced, ${h.pending} pending, ${h.blocked} blocked, ${h.failed} failed`;
      const moves = waiting ? ` (${h.uploads} up, ${h.downloads} down, ${formatBytes(h.pendingBytes)})` : '';
      lines.push(`  health: ${counts}${moves}; ${when}; Skyroll ${h.agentVersion}`);
      if (h.reason) lines.push(`  waiting on ${h.reason}: ${h.detail ?? ''}`);
      if (h.lastError) lines.push(`  last error ${ago(now - h.lastError.at)} ago: ${h.lastError.message}`);
    }
    return lines.join('\n');
  });
  return blocks.join('\n\n') || 'No devices.';
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
