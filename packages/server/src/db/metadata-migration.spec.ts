import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/postgres.js';
import { migrateToLatest, openDatabase, type Database } from './database.js';
import { Migrator } from './kysely.js';
import { migrations } from './migrations/index.js';
import type { DatabaseConfig } from '../config.js';

/** A library written before metadata and albums existed, then upgraded. */
describe.each(['sqlite', 'postgres'] as const)('migration 0005 on %s', (engine) => {
  it('keeps the journal (asset_id may now be null), gives assets default metadata and devices the agent kind', async () => {
    const pg = engine === 'postgres' ? await createTestDatabase('migration_0005') : undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skyroll-migrate-'));
    const config: DatabaseConfig = pg ? { kind: 'postgres', url: pg.url } : { kind: 'sqlite', file: path.join(dir, 'skyroll.db') };
    const db: Database = await openDatabase(config);
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('0004-derivative-details')).error).toBeUndefined();
      const account = { id: 'acc', email: 'a@example.com', password_hash: 'x', plan: 'free', quota_bytes: 1, created_at: 1 };
      await db.insertInto('accounts').values(account).execute();
      const device = { id: 'dev', account_id: 'acc', name: 'phone', token_hash: 'h', created_at: 1, revoked_at: null };
      await db.insertInto('devices').values(device as never).execute();
      const blob = { account_id: 'acc', checksum: 'c', size: 1, mime: 'image/jpeg', type: 'photo', width: 1, height: 1, taken_at: 5, created_at: 1, counted_at: 1 };
      await db.insertInto('blobs').values(blob as never).execute();
      const asset = { id: 'a1', account_id: 'acc', checksum: 'c', path: 'p.jpg', origin_device_id: 'dev', taken_at: 5, version: 1, created_at: 1, updated_at: 1, trashed_at: null };
      await db.insertInto('assets').values(asset as never).execute();
      await db
        .insertInto('journal')
        .values({ account_id: 'acc', seq: 1, type: 'asset.added', asset_id: 'a1', device_id: 'dev', at: 2, asset_json: '{"id":"a1"}' } as never)
        .execute();

      await migrateToLatest(db);
      expect(await db.selectFrom('journal').selectAll().execute()).toEqual([
        { account_id: 'acc', seq: 1, type: 'asset.added', asset_id: 'a1', device_id: 'dev', at: 2, asset_json: '{"id":"a1"}', album_json: null },
      ]);
      await db
        .insertInto('journal')
        .values({ account_id: 'acc', seq: 2, type: 'album.updated', asset_id: null, device_id: 'dev', at: 3, asset_json: null, album_json: '{}' })
        .execute();
      const upgraded = await db.selectFrom('assets').selectAll().executeTakeFirstOrThrow();
      expect([upgraded.favorite, upgraded.hidden, upgraded.caption, upgraded.favorite_hlc]).toEqual([0, 0, '', null]);
      expect((await db.selectFrom('devices').select('kind').executeTakeFirstOrThrow()).kind).toBe('agent');
      // The journal keeps its key: a second entry with the same number is refused.
      await expect(
        db.insertInto('journal').values({ account_id: 'acc', seq: 2, type: 'x', asset_id: null, device_id: null, at: 4, asset_json: null, album_json: null }).execute(),
      ).rejects.toThrow();
    } finally {
      await db.destroy();
      await pg?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
