/**
 * A full cloud stops uploads with a reason the person can act on (status: blocked, cloud-storage;
 * `sync --once` exits 3), and never lets the account exceed its quota.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { Harness, type SkyrollServer } from '../support/harness.js';
import { writePhotos } from '../support/photos.js';

const QUOTA = 350 * 1024;

describe('quota', () => {
  const h = new Harness();
  let server: SkyrollServer;

  beforeAll(async () => {
    server = await h.startServer({ env: { SKYROLL_DEFAULT_QUOTA_BYTES: String(QUOTA) } });
  });
  afterAll(() => h.cleanup());

  it('uploads past the quota are blocked with reason cloud-storage; the quota holds', { timeout: 120_000 }, async () => {
    const account = await h.createAccount(server, 1, 'quota');
    const [a] = account.devices;
    const photos = await writePhotos(a.syncDir, 6, { targetBytes: 100 * 1024, seed: 71 });
    const total = photos.reduce((sum, p) => sum + p.bytes.length, 0);
    expect(total).toBeGreaterThan(QUOTA);

    const run = await h.syncOnce(a);
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, `sync --once over quota:\n${output}`).toBe(3);
    expect(output).toMatch(/cloud|storage|quota|full/i);

    const status = await h.status(a);
    const blocked = status.items.filter((i) => i.state === 'blocked');
    expect(blocked.length, JSON.stringify(status.items)).toBeGreaterThan(0);
    for (const item of blocked) expect(item.reason, `${item.path}: ${item.detail}`).toBe('cloud-storage');
    expect(status.summary.synced + status.summary.blocked, JSON.stringify(status.summary)).toBe(photos.length);

    const api = await ApiClient.login(server.url, account.email, account.password);
    const live = await api.liveAssets();
    expect(live.length).toBe(status.summary.synced);
    expect(live.reduce((sum, x) => sum + x.size, 0), 'bytes stored').toBeLessThanOrEqual(QUOTA);
  });
});
