import fsp from 'node:fs/promises';
import { ROUTES, SkyrollError, isErrorCode, type ErrorBody } from '@skyroll/protocol';
import type { ServerFile } from './app.js';
import { loadConfig } from './config.js';

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
 * its devices are poked at once; else straight into the database.
 */
export async function setPlan(dataDir: string, email: string, plan: string): Promise<SetPlanResult> {
  const config = loadConfig({ dataDir });
  const server = await readServerFile(config.serverFile);
  if (server) {
    const result = await setPlanViaServer(server, email, plan);
    if (result) return result;
  }
  return setPlanInDatabase(dataDir, email, plan);
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

async function setPlanInDatabase(dataDir: string, email: string, plan: string): Promise<SetPlanResult> {
  const config = loadConfig({ dataDir });
  // A mistyped --data must not leave a new, empty database behind.
  if (!(await fsp.stat(config.paths.database).catch(() => undefined))) {
    throw new Error(`No Skyroll server data in ${config.dataDir} (no skyroll.db): pass the server's --data folder`);
  }
  const { migrateToLatest, openSqliteDatabase } = await import('./db/database.js');
  const { InProcessEventBus } = await import('./events/event-bus.js');
  const { Repositories } = await import('./repositories/repositories.js');
  const { AccountService } = await import('./services/account.service.js');
  const db = openSqliteDatabase(config.paths.database);
  try {
    await migrateToLatest(db);
    const accounts = new AccountService(new Repositories(db), new InProcessEventBus(), config.plans);
    const result = await accounts.setPlan(email.toLowerCase(), plan);
    return { email: result.email, ...result.storage, via: 'database' };
  } finally {
    await db.destroy();
  }
}
