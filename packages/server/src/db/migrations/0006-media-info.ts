import type { Kysely } from 'kysely';

// Only portable DDL: the same migration must run on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Camera, exposure and GPS of an original (the viewer's info panel), read once when it is
  // verified: JSON, since it is only ever shown, never queried, and grows without migrations.
  await db.schema.alterTable('blobs').addColumn('details_json', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('blobs').dropColumn('details_json').execute();
}
