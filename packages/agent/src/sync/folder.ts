/**
 * The synced folder: its binding to the state, the marker that tells it from an empty mount
 * point, and the account it belongs to (a folder first synced with one account is never merged
 * into another's library because the device was signed in to the wrong one).
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RESERVED_DIR } from '@skyroll/protocol';
import { AgentError } from '../cli/agent-error.js';
import type { Login } from '../state/meta.repository.js';
import type { AgentState } from '../state/state.js';
import type { Failure } from './failure.js';

/** The account a folder was first synced with. */
export interface FolderAccount {
  accountId: string;
  email: string;
  server: string;
}

const MARKER_NOTE = 'This folder is synced by Skyroll. Do not delete this file.';

export function markerPath(folder: string): string {
  return join(folder, RESERVED_DIR, 'folder');
}

export function hasMarker(folder: string): boolean {
  return existsSync(markerPath(folder));
}

/** The marker names the folder's account (JSON); a marker of an older agent holds only the note. */
export function writeMarker(folder: string, account?: FolderAccount): void {
  mkdirSync(join(folder, RESERVED_DIR), { recursive: true });
  writeFileSync(markerPath(folder), `${JSON.stringify({ note: MARKER_NOTE, ...(account ?? {}) }, null, 2)}\n`);
}

export function markerAccount(folder: string): FolderAccount | undefined {
  try {
    const parsed = JSON.parse(readFileSync(markerPath(folder), 'utf8')) as Partial<FolderAccount>;
    if (typeof parsed.accountId === 'string' && typeof parsed.email === 'string') {
      return { accountId: parsed.accountId, email: parsed.email, server: String(parsed.server ?? '') };
    }
  } catch {
    // No marker, or one without an account.
  }
  return undefined;
}

/** The state's record first, else the marker's (a new device over a folder another device synced). */
export function folderAccount(state: AgentState, folder: string): FolderAccount | undefined {
  const raw = state.meta.get('folder_account');
  if (raw) return JSON.parse(raw) as FolderAccount;
  return markerAccount(folder);
}

export function accountOfLogin(login: Login): FolderAccount {
  return { accountId: login.accountId, email: login.email, server: login.server };
}

/**
 * Why this device must not sync the folder with the account it is signed in to: the folder
 * belongs to another account. Undefined when it may.
 */
export function accountMismatch(state: AgentState, folder: string): Failure | undefined {
  const login = state.meta.login();
  const owner = folderAccount(state, folder);
  if (!login || !owner || owner.accountId === login.accountId) return undefined;
  return { state: 'blocked', reason: 'account', detail: mismatchDetail(owner, login, folder) };
}

export function mismatchDetail(owner: FolderAccount, login: Login, folder: string): string {
  return `${mismatchSummary(owner, login)}. ${mismatchFix(owner, login, folder)}`;
}

export function mismatchSummary(owner: FolderAccount, login: Login): string {
  return `This folder was first synced with ${owner.email}, but this device is signed in as ${login.email}: its photos are not merged into ${login.email}'s library`;
}

export function mismatchFix(owner: FolderAccount, login: Login, folder: string): string {
  return (
    `Sign in as ${owner.email} again (skyroll login --server ${owner.server || login.server} --email ${owner.email} --password-stdin), ` +
    `or add the folder to ${login.email}'s library with skyroll sync ${folder} --adopt-folder`
  );
}

/** Resolves DIR and binds it to the state on first use; a state folder syncs one folder only. */
export function bindFolder(state: AgentState, dir: string, options: { adopt?: boolean } = {}): string {
  const bound = state.meta.folder();
  const wanted = resolve(dir);
  if (!existsSync(wanted) || !statSync(wanted).isDirectory()) {
    throw new AgentError(`the folder ${wanted} does not exist (not mounted?)`);
  }
  const folder = realpathSync(wanted);
  if (bound && bound !== folder) {
    throw new AgentError(
      `this device (state ${state.dir}) already syncs ${bound}; one state folder syncs one folder: use --state with another folder for ${folder}`,
    );
  }
  if (!bound) state.meta.bindFolder(folder);
  const login = state.meta.login();
  const owner = folderAccount(state, folder);
  // Never write a marker over a folder that lost it while holding synced files: that is how an
  // unmounted or emptied folder is told from a real deletion.
  const markerSafe = hasMarker(folder) || state.base.count() === 0;
  if (login && (options.adopt || !owner)) {
    // The first account to sync the folder owns it (an older marker without an account is claimed).
    const account = accountOfLogin(login);
    state.meta.set('folder_account', JSON.stringify(account));
    if (markerSafe) writeMarker(folder, account);
  } else if (!hasMarker(folder) && state.base.count() === 0) {
    writeMarker(folder, owner);
  }
  return folder;
}
