import fsp from 'node:fs/promises';
import { ROUTES, SkyrollError, isErrorCode, type ErrorBody } from '@skyroll/protocol';
import type { ServerFile } from './app.js';
import { loadConfig, type ServerConfig } from './config.js';

export interface SetPlanResult {
  email: string;
  plan: string;
  quotaBytes: number;
  usedBytes: number;
  /** Whether a running server did it (its devices were poked) or the database was written directly. */
  via: 'server' | 'database';
}

/**
 * `skyroll admin set-plan`: through the running server when there is one (DATA/server.json), so
 * its devices are poked at once; else straight into the database: DATA/skyroll.db, or the
 * PostgreSQL of `db` (`--db`, env SKYROLL_DB) the replicas share.
 */
export async function setPlan(dataDir: string, email: string, plan: string, options: { db?: string } = {}): Promise<SetPlanResult> {
  const config = loadConfig({ dataDir, db: options.db });
  const server = await readServerFile(config.serverFile);
  if (server) {
    const result = await setPlanViaServer(server, email, plan);
    if (result) return result;
  }
  return setPlanInDatabase(config, email, plan);
}

async function readServerFile(file: string): Promise<ServerFile | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as ServerFile;
  } catch {
    return undefined;
  }
}

/** undefined when the server of server.json is not running (a stale file after a crash). */
async function setPlanViaServer(server: ServerFile, email: string, plan: string): Promise<SetPlanResult | undefined> {
  let res: Response;
  try {
    res = await fetch(server.url + ROUTES.adminPlan, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email, plan }),
    });
  } catch {
    return undefined;
  }
  const body = (await res.json().catch(() => undefined)) as any;
  if (!res.ok) {
    const error = (body as ErrorBody | undefined)?.error;
    throw new SkyrollError(isErrorCode(error?.code) ? error.code : 'INTERNAL', error?.message, error?.details);
  }
  return { email: body.email, ...body.storage, via: 'server' };
}

async function setPlanInDatabase(config: ServerConfig, email: string, plan: string): Promise<SetPlanResult> {
  // A mistyped --data must not leave a new, empty SQLite database behind.
  if (config.database.kind === 'sqlite' && !(await fsp.stat(config.database.file).catch(() => undefined))) {
    throw new Error(`No Skyroll server data in ${config.dataDir} (no skyroll.db): pass the server's --data folder`);
  }
  const { migrateToLatest, openDatabase } = await import('./db/database.js');
  const { createEventBus } = await import('./events/create-event-bus.js');
  const { Repositories } = await import('./repositories/repositories.js');
  const { AccountService } = await import('./services/account.service.js');
  const db = await openDatabase(config.database);
  try {
    await migrateToLatest(db);
    // On PostgreSQL the replicas hear of it (NOTIFY) and poke the account's devices.
    const events = await createEventBus(config.database);
    try {
      const accounts = new AccountService(new Repositories(db), events, config.plans);
      const result = await accounts.setPlan(email.toLowerCase(), plan);
      return { email: result.email, ...result.storage, via: 'database' };
    } finally {
      await events.close();
    }
  } finally {
    await db.destroy();
  }
}
