import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repositories } from '../repositories/repositories.js';
import { createTestDatabase, type TestDatabase } from '../testing/postgres.js';
import { engineOf, migrateToLatest, openDatabase, openPostgresDatabase, openSqliteDatabase, type Database } from './database.js';
import { sql } from './kysely.js';
import { migrations } from './migrations/index.js';

describe('the metadata store on PostgreSQL', () => {
  let testDb: TestDatabase;
  const pools: Database[] = [];
  const open = async () => {
    const db = await openPostgresDatabase(testDb.url, { max: 3 });
    pools.push(db);
    return db;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase('store');
  });
  afterAll(async () => {
    await Promise.all(pools.map((db) => db.destroy()));
    await testDb?.drop();
  });

  it('applies each migration once when three replicas start on a fresh database at once', async () => {
    const replicas = await Promise.all([open(), open(), open()]);
    await Promise.all(replicas.map((db) => migrateToLatest(db)));
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(replicas[0]);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public' order by tablename`.execute(replicas[0]);
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      ['accounts', 'album_assets', 'albums', 'asset_versions', 'assets', 'blobs', 'derivatives', 'devices', 'jobs', 'journal', 'kysely_migration', 'kysely_migration_lock'],
    );
    // A replica started later finds nothing to do.
    await migrateToLatest(await open());
    expect(engineOf(replicas[0])).toBe('postgres');
  });

  it('reads bigint columns as numbers, as SQLite does (and refuses one beyond 2^53)', async () => {
    const db = await open();
    const repos = new Repositories(db);
    const createdAt = Date.UTC(2030, 0, 1);
    await repos.accounts.create({ id: 'big', email: 'big@example.com', password_hash: 'x', plan: '12tb', quota_bytes: 12e12, created_at: createdAt });
    expect(await repos.accounts.addUsedBytesWithinQuota('big', 11e12)).toBe(true);
    expect(await repos.accounts.nextJournalSeq('big')).toBe(1);
    const row = await db.selectFrom('accounts').selectAll().where('id', '=', 'big').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ quota_bytes: 12e12, used_bytes: 11e12, journal_head: 1, created_at: createdAt });
    expect(typeof row.used_bytes).toBe('number');
    const count = await db.selectFrom('accounts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
    await expect(sql`select 9007199254740993::bigint as n`.execute(db)).rejects.toThrow(/does not fit a JavaScript number/);
  });

  it('matches emails exactly (stored lowercase) and lets the unique index refuse a second account', async () => {
    const repos = new Repositories(await open());
    await repos.accounts.create({ id: 'ann', email: 'ann@example.com', password_hash: 'x', plan: 'free', quota_bytes: 1, created_at: 1 });
    expect(await repos.accounts.findByEmail('ann@example.com')).toMatchObject({ id: 'ann' });
    expect(await repos.accounts.findByEmail('Ann@example.com')).toBeUndefined();
    await expect(
      repos.accounts.create({ id: 'ann2', email: 'ann@example.com', password_hash: 'x', plan: 'free', quota_bytes: 1, created_at: 1 }),
    ).rejects.toThrow(/unique/);
  });

  it('fails with a clear message when PostgreSQL is not reachable', async () => {
    await expect(openDatabase({ kind: 'postgres', url: 'postgres://skyroll:secret@127.0.0.1:1/skyroll' })).rejects.toThrow(
      /^PostgreSQL is not reachable at postgres:\/\/skyroll:\*\*\*@127\.0\.0\.1:1\/skyroll: /,
    );
  });

  it('still opens SQLite for the embedded default', async () => {
    const db = openSqliteDatabase(':memory:');
    try {
      await migrateToLatest(db);
      expect(engineOf(db)).toBe('sqlite');
    } finally {
      await db.destroy();
    }
  });
});
