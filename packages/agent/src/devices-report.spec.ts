import type { Device } from '@skyroll/protocol';
import { describe, expect, it } from 'vitest';
import { formatDevices } from './devices-report.js';

const settings = { sync: true, mobileData: false, unlimitedUpdates: false, onlyWhenCharging: true, optimizeStorage: false };
const now = 10_000_000;
const health = {
  agentVersion: '0.1.0',
  protocol: 1,
  synced: 40,
  pending: 2,
  blocked: 3,
  failed: 1,
  uploads: 4,
  downloads: 1,
  pendingBytes: 5 * 1024 * 1024,
  reason: 'power' as const,
  detail: 'Only-when-charging is on and the device is on battery: plug in to sync',
  lastError: { at: now - 120_000, message: 'bad.jpg: The file is damaged' },
  lastProgressAt: now - 5000,
  reportedAt: now - 10_000,
  stale: false,
};
const device = (over: Partial<Device>): Device => ({ id: 'd1', name: 'phone', createdAt: 0, lastSeenAt: now - 30_000, revoked: false, kind: 'agent', settings, health, ...over });

describe('formatDevices', () => {
  it('shows settings, counts, the blocking reason with its fix and the last error', () => {
    const text = formatDevices([device({})], 'd1', now);
    expect(text).toContain('phone (this device)');
    expect(text).toContain('settings: sync on, mobile-data off, unlimited-updates off, only-when-charging on, optimize-storage off');
    expect(text).toContain('health: 40 synced, 2 pending, 3 blocked, 1 failed (4 up, 1 down, 5.0 MB); reported 10 s ago');
    expect(text).toContain('waiting on power: Only-when-charging is on');
    expect(text).toContain('last error 2 min ago: bad.jpg: The file is damaged');
  });

  it('says when a device never reported, went stale, or was signed out', () => {
    const text = formatDevices(
      [device({ id: 'a', name: 'browser', health: null, lastSeenAt: null }), device({ id: 'b', name: 'old', revoked: true, health: { ...health, stale: true, reason: null, pending: 0, blocked: 0 } })],
      undefined,
      now,
    );
    expect(text).toContain('browser\n  id a; last seen never');
    expect(text).toContain('no report yet');
    expect(text).toContain('old — signed out');
    expect(text).toContain('stale: the agent is not running');
    expect(text).not.toContain('waiting on');
  });
});
