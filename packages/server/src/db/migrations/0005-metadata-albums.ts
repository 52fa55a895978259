import type { Kysely } from 'kysely';
import { engineOf } from '../engine.js';
import { sql } from '../kysely.js';

// Portable DDL, except the journal's asset_id losing NOT NULL: PostgreSQL alters the column in
// place, SQLite cannot, so there the table is rebuilt with the same rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  // PostgreSQL runs each migration in a transaction; on SQLite Kysely does not, and a crash
  // between dropping the old journal and renaming the new one must not lose it.
  if (engineOf(db) === 'postgres') await apply(db, 'postgres');
  else await db.transaction().execute((trx) => apply(trx, 'sqlite'));
}

async function apply(db: Kysely<unknown>, engine: 'sqlite' | 'postgres'): Promise<void> {
  // Metadata, last writer wins per field: each value beside the hybrid-logical-clock timestamp of
  // the change that set it (null: never set). Booleans are 0/1 integers on both engines.
  await db.schema.alterTable('assets').addColumn('favorite', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('assets').addColumn('favorite_hlc', 'text').execute();
  await db.schema.alterTable('assets').addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('assets').addColumn('hidden_hlc', 'text').execute();
  await db.schema.alterTable('assets').addColumn('caption', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('assets').addColumn('caption_hlc', 'text').execute();
  // The timeline: an account's live assets by sort time (taken, else added), hidden ones apart.
  // Queries spell the sort time exactly as here so both engines use the index.
  await db.schema
    .createIndex('assets_timeline_idx')
    .on('assets')
    .columns(['account_id', 'hidden'])
    .expression(sql`coalesce(taken_at, created_at)`)
    .where(sql.ref('trashed_at'), 'is', null)
    .execute();

  // An album per account (the id is chosen by the device that creates it, so the key includes the
  // account: no id of one account can collide with, or reveal, another's).
  await db.schema
    .createTable('albums')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_hlc', 'text', (c) => c.notNull())
    // A tombstone: a late add or rename from another device cannot bring a deleted album back.
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deleted_hlc', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('albums_pk', ['account_id', 'id'])
    .execute();

  // Membership as a last-writer-wins element set: a removal is a row with present = 0, so an add
  // and a remove made concurrently on two devices end the same whichever arrives first.
  await db.schema
    .createTable('album_assets')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('album_id', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('present', 'integer', (c) => c.notNull())
    .addColumn('hlc', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('album_assets_pk', ['account_id', 'album_id', 'asset_id'])
    .addForeignKeyConstraint('album_assets_album_fk', ['account_id', 'album_id'], 'albums', ['account_id', 'id'], (c) => c.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('album_assets_asset_idx').on('album_assets').column('asset_id').execute();

  // A browser session (`web`) or a synced folder's agent (`agent`, every device before this).
  await db.schema.alterTable('devices').addColumn('kind', 'text', (c) => c.notNull().defaultTo('agent')).execute();

  // Album entries in the journal: no asset, the album's snapshot instead.
  if (engine === 'postgres') {
    await db.schema.alterTable('journal').alterColumn('asset_id', (c) => c.dropNotNull()).execute();
    await db.schema.alterTable('journal').addColumn('album_json', 'text').execute();
  } else {
    await rebuildSqliteJournal(db);
  }
}

/** SQLite's way to relax a column: a new table of the new shape, the rows copied, the old one dropped. */
async function rebuildSqliteJournal(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('journal_next')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text')
    .addColumn('device_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('asset_json', 'text')
    .addColumn('album_json', 'text')
    .addPrimaryKeyConstraint('journal_pk', ['account_id', 'seq'])
    .execute();
  await sql`insert into journal_next (account_id, seq, type, asset_id, device_id, at, asset_json)
            select account_id, seq, type, asset_id, device_id, at, asset_json from journal`.execute(db);
  await db.schema.dropTable('journal').execute();
  await db.schema.alterTable('journal_next').renameTo('journal').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('journal').dropColumn('album_json').execute();
  await db.schema.alterTable('devices').dropColumn('kind').execute();
  await db.schema.dropTable('album_assets').execute();
  await db.schema.dropTable('albums').execute();
  await db.schema.dropIndex('assets_timeline_idx').execute();
  for (const column of ['caption_hlc', 'caption', 'hidden_hlc', 'hidden', 'favorite_hlc', 'favorite']) {
    await db.schema.alterTable('assets').dropColumn(column).execute();
  }
}
