/** The synced folder: its binding to the state, and the marker that tells it from an empty mount point. */
import { existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RESERVED_DIR } from '@skyroll/protocol';
import { AgentError } from '../cli/agent-error.js';
import type { AgentState } from '../state/state.js';

export function markerPath(folder: string): string {
  return join(folder, RESERVED_DIR, 'folder');
}

export function hasMarker(folder: string): boolean {
  return existsSync(markerPath(folder));
}

export function writeMarker(folder: string): void {
  mkdirSync(join(folder, RESERVED_DIR), { recursive: true });
  writeFileSync(markerPath(folder), 'This folder is synced by Skyroll. Do not delete this file.\n');
}

/** Resolves DIR and binds it to the state on first use; a state folder syncs one folder only. */
export function bindFolder(state: AgentState, dir: string): string {
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
  if (!hasMarker(folder) && state.base.count() === 0) writeMarker(folder);
  return folder;
}
