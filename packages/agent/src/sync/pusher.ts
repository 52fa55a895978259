/** The pusher: a local file to the cloud (upload when the server lacks the bytes, then commit). */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { SkyrollError } from '@skyroll/protocol';
import type { Action } from '../reconcile.js';
import { identityOf, identityOfFile, sameIdentity } from '../scan/scanner.js';
import { uploadOriginal } from '../transfer/uploader.js';
import type { SyncContext } from './context.js';
import { recordPlaceholder } from './optimizer.js';
import { failureOf, isAbort } from './failure.js';

export type PushAction = Extract<Action, { kind: 'upload' } | { kind: 'link' }>;
export type ServerHas = 'missing' | 'uploaded' | 'live' | 'trashed';

export async function pushFile(ctx: SyncContext, action: PushAction, serverHas: ServerHas, signal: AbortSignal): Promise<void> {
  const { file } = action;
  const abs = join(ctx.folder, action.path);
  try {
    // The file changed since the scan: the next pass decides again.
    const now = await lstat(abs, { bigint: true }).then(identityOf, () => undefined);
    if (!now || !sameIdentity(now, file)) return;
    let sent = false;
    if (action.kind === 'upload' && serverHas === 'missing') {
      await sendBytes(ctx, action, signal);
      sent = true;
    }
    const replaces = action.kind === 'upload' ? action.replaces : undefined;
    const commit = () =>
      ctx.api.commit({ checksum: file.checksum, path: action.path, mtime: Number(BigInt(file.mtimeNs) / 1_000_000n), ...(replaces ? { replaces } : {}) });
    let result;
    try {
      result = await commit();
    } catch (err) {
      if (!(err instanceof SkyrollError && err.code === 'BLOB_MISSING') || sent) throw err;
      await sendBytes(ctx, action, signal);
      result = await commit();
    }
    const { asset } = result;
    ctx.state.transaction(() => {
      // Known now, before the journal says so: a pass in between must not take it for purged.
      ctx.state.remote.put(asset);
      if (action.kind === 'link' && action.from) {
        ctx.state.base.delete(action.from);
        ctx.state.placeholders.delete(action.from);
      }
      ctx.state.base.put({ path: action.path, assetId: asset.id, checksum: file.checksum, remotePath: asset.path, ...identityOfFile(file) });
      // An edited placeholder, once uploaded as its own asset, is an original like any other.
      recordPlaceholder(ctx.state, action.path, file, asset.id);
      ctx.state.uploads.delete(file.checksum);
      ctx.state.items.delete(action.path);
    });
    ctx.log.write('commit.done', { path: action.path, assetId: asset.id, created: result.created, version: asset.version });
    ctx.completed(action);
  } catch (err) {
    if (isAbort(err)) return;
    ctx.log.error('upload.error', err, { path: action.path });
    ctx.report(action, failureOf(err));
  }
}

async function sendBytes(ctx: SyncContext, action: PushAction, signal: AbortSignal): Promise<void> {
  const { file } = action;
  ctx.state.items.setState(action.path, 'uploading');
  ctx.progress.add(file.size);
  let bytesSent = 0;
  const result = await uploadOriginal(
    { path: action.path, abs: join(ctx.folder, action.path), checksum: file.checksum, size: file.size },
    { api: ctx.api, uploads: ctx.state.uploads, limiter: ctx.limiter, signal },
    {
      onStart: (offset) => {
        ctx.log.write('upload.start', { path: action.path, size: file.size, offset });
        ctx.progress.advance(offset);
      },
      onProgress: (bytes) => {
        bytesSent += bytes;
        ctx.progress.advance(bytes);
      },
    },
  ).catch((err: unknown) => {
    if (!isAbort(err)) return Promise.reject(err);
    ctx.log.write('upload.interrupted', { path: action.path, bytesSent });
    return Promise.reject(err);
  });
  ctx.log.write('upload.done', { path: action.path, bytesSent: result.bytesSent, offset: result.offset });
}
