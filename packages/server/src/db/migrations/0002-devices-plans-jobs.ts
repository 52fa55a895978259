import type { Kysely } from 'kysely';

// Only portable DDL: the same migration must run on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Settings as JSON merged over the defaults on read: a setting added later needs no migration.
  await db.schema.alterTable('devices').addColumn('settings_json', 'text').execute();
  await db.schema.alterTable('devices').addColumn('last_seen_at', 'bigint').execute();

  // Derivatives (previews) of a stored original, per account and checksum like the original.
  await db.schema
    .createTable('derivatives')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('derivatives_pk', ['account_id', 'checksum', 'kind'])
    .execute();

  // A durable job queue: claimed with a conditional UPDATE (on PostgreSQL: FOR UPDATE SKIP LOCKED).
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_state_run_after_idx').on('jobs').columns(['state', 'run_after']).execute();
  await db.schema.createIndex('asset_versions_checksum_idx').on('asset_versions').column('checksum').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
  await db.schema.dropTable('derivatives').execute();
  await db.schema.dropIndex('asset_versions_checksum_idx').execute();
  await db.schema.alterTable('devices').dropColumn('last_seen_at').execute();
  await db.schema.alterTable('devices').dropColumn('settings_json').execute();
}
