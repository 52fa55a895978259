import { createRequire } from 'node:module';

/**
 * Kysely's runtime, loaded from its CommonJS build. Under tsx (no build step), each of the ~280
 * files of Kysely's ESM build goes through tsx's resolve hooks, adding 1-3 s to every server
 * start; the CJS build loads as one require graph. Import Kysely's values from here only (types
 * from 'kysely' as usual), so a single copy of the library is ever loaded (and `instanceof
 * PostgresAdapter` means what it says).
 */
const kysely = createRequire(import.meta.url)('kysely') as typeof import('kysely');

export const { Kysely, Migrator, SqliteDialect, PostgresDialect, PostgresAdapter, sql } = kysely;
