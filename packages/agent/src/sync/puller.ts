/** The puller: a cloud original into the folder, never over other bytes, never half-written. */
import { lstat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Action } from '../reconcile.js';
import { identityOf, sameIdentity } from '../scan/scanner.js';
import { downloadOriginal, placeNew, placeOver } from '../transfer/downloader.js';
import type { SyncContext } from './context.js';
import { failureOf, isAbort } from './failure.js';

export type PullAction = Extract<Action, { kind: 'download' } | { kind: 'replace-local' }>;

export async function pullAsset(ctx: SyncContext, action: PullAction, signal: AbortSignal): Promise<void> {
  const { asset } = action;
  const abs = join(ctx.folder, action.path);
  const size = ctx.state.remote.size(asset.id) ?? 0;
  try {
    ctx.state.items.setState(action.path, 'downloading');
    ctx.progress.add(size);
    const tmp = await downloadOriginal({ assetId: asset.id, checksum: asset.checksum, size }, ctx.folder, ctx.api, {
      signal,
      onProgress: (n) => ctx.progress.advance(n),
    });
    if (action.kind === 'download') {
      // Taken meanwhile: the next pass decides again (another name, or a link to what is there).
      if (!(await placeNew(tmp, abs))) return void (await unlink(tmp).catch(() => {}));
    } else {
      const now = await lstat(abs, { bigint: true }).then(identityOf, () => undefined);
      if (!now || !sameIdentity(now, action.file)) return;
      await placeOver(tmp, abs);
    }
    const id = identityOf(await lstat(abs, { bigint: true }));
    const remotePath = action.kind === 'download' ? asset.path : action.base.remotePath;
    ctx.state.transaction(() => {
      ctx.state.hashes.store(id, asset.checksum);
      ctx.state.base.put({ path: action.path, assetId: asset.id, checksum: asset.checksum, remotePath, ...id });
      ctx.state.placeholders.delete(action.path);
      ctx.state.items.delete(action.path);
    });
    ctx.disk(-size);
    ctx.log.write('download.done', { path: action.path, assetId: asset.id, replaced: action.kind === 'replace-local' });
    ctx.completed(action);
  } catch (err) {
    if (isAbort(err)) return;
    ctx.log.error('download.error', err, { path: action.path, assetId: asset.id });
    ctx.report(action, failureOf(err));
  }
}
