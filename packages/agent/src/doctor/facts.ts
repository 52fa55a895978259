/** Everything the doctor's checks look at, gathered from the state, the device and the server. */
import { existsSync } from 'node:fs';
import { SKYROLL_VERSION, SkyrollError } from '@skyroll/protocol';
import { presenceOf } from '../health/presence.js';
import { unseenFiles } from '../health/unseen.js';
import { PolicyGate } from '../sync/policy-gate.js';
import type { AgentState } from '../state/state.js';
import { folderAccount } from '../sync/folder.js';
import { ApiClient, OfflineError, agentProtocol } from '../transfer/api-client.js';
import type { Answer, DoctorFacts } from './checks.js';
import { probeConnection } from './connection.js';

/** SKYROLL_STUCK_MS: no progress for this long while items wait on the agent means it is stuck. */
export function stuckAfterMs(): number {
  const value = Number(process.env.SKYROLL_STUCK_MS);
  return Number.isFinite(value) && value > 0 ? value : 5 * 60_000;
}

export async function gatherFacts(state: AgentState, now = Date.now()): Promise<DoctorFacts> {
  const login = state.meta.login();
  const folder = state.meta.folder();
  const protocol = agentProtocol();
  const connection = login ? await probeConnection(login.server, protocol) : undefined;

  let me: DoctorFacts['me'];
  let info: DoctorFacts['info'];
  let storage: DoctorFacts['storage'];
  let settings = state.meta.settings();
  let settingsFresh = false;
  if (login && connection?.ok) {
    const api = new ApiClient(login.server, login.token);
    let fresh: Answer<typeof settings>;
    [me, info, storage, fresh] = await Promise.all([answer(api.me()), answer(api.info()), answer(api.storage()), answer(api.settings())]);
    if (fresh.ok) {
      settings = fresh.value;
      settingsFresh = true;
    }
  }

  const world = await new PolicyGate(state, folder ?? state.dir).world(now);
  return {
    now,
    login,
    folder,
    folderExists: folder !== undefined && existsSync(folder),
    owner: folder ? folderAccount(state, folder) : undefined,
    connection,
    me,
    info,
    storage,
    settings,
    settingsFresh,
    pausedUntil: state.meta.pausedUntil(now),
    overrideUntil: state.meta.overrideUntil(now),
    world,
    presence: presenceOf(state, now),
    items: state.items.all(),
    unseen: await unseenFiles(state, folder),
    stuckAfterMs: stuckAfterMs(),
    protocol,
    agentVersion: SKYROLL_VERSION,
  };
}

async function answer<T>(promise: Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (err) {
    if (err instanceof SkyrollError) return { ok: false, code: err.code, message: err.message, details: err.details };
    if (err instanceof OfflineError) return { ok: false, code: 'OFFLINE', message: err.message };
    return { ok: false, code: 'ERROR', message: String((err as Error)?.message ?? err) };
  }
}
