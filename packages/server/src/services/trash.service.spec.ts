import { describe, expect, it, vi } from 'vitest';
import type { AssetRecord } from '../repositories/asset.repository.js';
import type { Repositories } from '../repositories/repositories.js';
import type { Auth } from './auth.service.js';
import { JournalService } from './journal.service.js';
import { TrashService } from './trash.service.js';

const auth: Auth = { accountId: 'acc', email: 'a@example.com', deviceId: 'dev', deviceName: 'phone' };

function asset(id: string, trashedAt: number | null = null): AssetRecord {
  return {
    id,
    accountId: 'acc',
    checksum: 'a'.repeat(64),
    path: `${id}.jpg`,
    originDeviceId: 'dev',
    takenAt: null,
    version: 1,
    createdAt: 1,
    updatedAt: 1,
    trashedAt,
    size: 10,
    mime: 'image/jpeg',
    type: 'photo',
    width: 1,
    height: 1,
    favorite: false,
    hidden: false,
    caption: '',
  };
}

/** Repositories faked in memory: the service's decisions, without a database. */
function setup(assets: AssetRecord[]) {
  let head = 0;
  const repos = {
    assets: { findMany: vi.fn(async (_acc: string, ids: string[]) => assets.filter((a) => ids.includes(a.id))), update: vi.fn() },
    accounts: { lock: vi.fn(), nextJournalSeq: vi.fn(async () => ++head) },
    albums: { albumIdsOf: vi.fn(async () => new Map()) },
    derivatives: { findForChecksums: vi.fn(async () => []) },
    journal: { insert: vi.fn() },
    transaction: (fn: (r: unknown) => unknown) => fn(repos),
  };
  const events = { publishHead: vi.fn(), subscribeHead: vi.fn(), publish: vi.fn(), subscribe: vi.fn() };
  const db = repos as unknown as Repositories;
  const unused = {} as never;
  const trash = new TrashService(db, new JournalService(db, events), unused, unused, { retentionMs: 30 * 86_400_000, sweepMs: 3600_000 });
  return { trash, repos, events };
}

describe('TrashService', () => {
  it('trashes live assets, journals each, and pokes once after the transaction', async () => {
    const { trash, repos, events } = setup([asset('a'), asset('b')]);
    const result = await trash.trash(auth, ['a', 'b']);
    expect(result.assets.map((a) => a.trashedAt)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(repos.journal.insert.mock.calls.map(([e]) => [e.seq, e.type, e.asset_id])).toEqual([
      [1, 'asset.trashed', 'a'],
      [2, 'asset.trashed', 'b'],
    ]);
    expect(events.publishHead).toHaveBeenCalledExactlyOnceWith('acc', 2);
  });

  it('changes nothing when one id is unknown (or another account\'s)', async () => {
    const { trash, repos, events } = setup([asset('a')]);
    await expect(trash.trash(auth, ['a', 'ghost'])).rejects.toMatchObject({ code: 'NOT_FOUND', details: { assetIds: ['ghost'] } });
    expect(repos.assets.update).not.toHaveBeenCalled();
    expect(repos.journal.insert).not.toHaveBeenCalled();
    expect(events.publishHead).not.toHaveBeenCalled();
  });

  it('treats already-trashed assets as a no-op and restores trashed ones', async () => {
    const { trash, repos, events } = setup([asset('a', 5), asset('b')]);
    await trash.trash(auth, ['a']);
    expect(repos.journal.insert).not.toHaveBeenCalled();
    expect(events.publishHead).not.toHaveBeenCalled();
    const restored = await trash.restore(auth, ['a', 'b']);
    expect(restored.assets.map((a) => a.trashedAt)).toEqual([null, null]);
    expect(repos.journal.insert.mock.calls.map(([e]) => e.type)).toEqual(['asset.restored']);
  });
});
