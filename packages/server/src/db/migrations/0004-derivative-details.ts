import type { Kysely } from 'kysely';

// Only portable DDL: the same migration must run on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  // A placeholder (base64 thumbhash) on the thumbnail row, and a video's duration on its poster's rows.
  await db.schema.alterTable('derivatives').addColumn('thumbhash', 'text').execute();
  await db.schema.alterTable('derivatives').addColumn('duration_ms', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('derivatives').dropColumn('duration_ms').execute();
  await db.schema.alterTable('derivatives').dropColumn('thumbhash').execute();
}
