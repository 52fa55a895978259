import type { Kysely } from 'kysely';

// Only portable DDL: the same migration must run on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The agent's last heartbeat as JSON (validated again on read, so its shape can grow without a migration).
  await db.schema.alterTable('devices').addColumn('health_json', 'text').execute();
  await db.schema.alterTable('devices').addColumn('health_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('health_at').execute();
  await db.schema.alterTable('devices').dropColumn('health_json').execute();
}
