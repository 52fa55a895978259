/**
 * Acts on a plan: quick metadata actions in place, transfers handed to the queue. Every action
 * checks the file is still what the plan saw before touching it.
 */
import { link, lstat, mkdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Action } from '../reconcile.js';
import { identityOf, identityOfFile, sameIdentity } from '../scan/scanner.js';
import type { SyncContext } from './context.js';
import { failureOf } from './failure.js';
import { pullPreview, recordPlaceholder } from './optimizer.js';
import { pullAsset, type PullAction } from './puller.js';
import { pushFile, type PushAction, type ServerHas } from './pusher.js';
import type { TransferQueue } from './transfer-queue.js';

export function transferKey(action: Action): string | undefined {
  if (action.kind === 'upload') return `push:${action.path}`;
  if (action.kind === 'download' || action.kind === 'replace-local') return `pull:${action.asset.id}`;
  return undefined;
}

/** `previews`: downloads that come as previews (an optimizing device under its free-space floor). */
export async function applyPlan(ctx: SyncContext, actions: Action[], queue: TransferQueue, previews: ReadonlySet<Action> = new Set()): Promise<void> {
  const quick = actions.filter((a) => !transferKey(a));
  const trash = quick.filter((a) => a.kind === 'trash-remote');
  for (const action of quick) {
    if (action.kind === 'trash-remote') continue;
    try {
      await applyQuick(ctx, action);
    } catch (err) {
      ctx.log.error('action.error', err, { kind: action.kind, path: action.path });
      const failure = failureOf(err);
      ctx.report(action, failure);
      if (failure.offline || failure.fatal) return;
    }
  }
  if (trash.length > 0) await trashRemote(ctx, trash);

  const uploads = actions.filter((a): a is PushAction => a.kind === 'upload' && !queue.has(transferKey(a)!));
  const known = await serverHas(ctx, uploads);
  for (const action of uploads) {
    queue.add(transferKey(action)!, 'upload', (signal) => pushFile(ctx, action, known.get(action.file.checksum) ?? 'missing', signal));
  }
  for (const action of actions) {
    if (action.kind !== 'download' && action.kind !== 'replace-local') continue;
    const pull = action as PullAction;
    queue.add(transferKey(action)!, 'download', (signal) => (previews.has(action) ? pullPreview(ctx, pull, signal) : pullAsset(ctx, pull, signal)));
  }
}

async function applyQuick(ctx: SyncContext, action: Action): Promise<void> {
  const { state } = ctx;
  switch (action.kind) {
    case 'link':
      if (action.restore) return pushFile(ctx, action, 'trashed', new AbortController().signal);
      state.transaction(() => {
        if (action.from) {
          state.base.delete(action.from);
          state.placeholders.delete(action.from);
        }
        state.base.put({ path: action.path, assetId: action.asset.id, checksum: action.file.checksum, remotePath: action.asset.path, ...identityOfFile(action.file) });
        recordPlaceholder(state, action.path, action.file, action.asset.id);
        state.items.delete(action.path);
      });
      break;
    case 'forget':
      state.transaction(() => {
        state.base.delete(action.path);
        state.placeholders.delete(action.path);
        state.items.delete(action.path);
      });
      break;
    case 'move-remote':
      const moved = await ctx.api.move(action.base.assetId, action.path);
      state.transaction(() => {
        state.remote.put(moved);
        state.base.delete(action.base.path);
        state.placeholders.delete(action.base.path);
        state.base.put({ ...action.base, ...identityOfFile(action.file), path: action.path, remotePath: action.path });
        recordPlaceholder(state, action.path, action.file, action.base.assetId);
        state.items.delete(action.path);
      });
      ctx.log.write('move.remote', { from: action.base.path, path: action.path });
      break;
    case 'move-local': {
      if (!(await unchanged(ctx, action.path, action.file))) return;
      const to = join(ctx.folder, action.to);
      await mkdir(dirname(to), { recursive: true });
      // link + unlink: a rename that never replaces whatever appeared at the target meanwhile.
      await link(join(ctx.folder, action.path), to);
      await unlink(join(ctx.folder, action.path));
      state.transaction(() => {
        state.base.delete(action.path);
        state.placeholders.delete(action.path);
        state.base.put({ ...action.base, ...identityOfFile(action.file), path: action.to, remotePath: action.asset.path });
        recordPlaceholder(state, action.to, action.file, action.asset.id);
        state.items.delete(action.path);
      });
      ctx.log.write('move.local', { from: action.path, path: action.to });
      break;
    }
    case 'delete-local':
      if (!(await unchanged(ctx, action.path, action.file))) return;
      await unlink(join(ctx.folder, action.path));
      state.transaction(() => {
        state.base.delete(action.path);
        state.placeholders.delete(action.path);
        state.items.delete(action.path);
      });
      ctx.log.write('delete.local', { path: action.path, assetId: action.base.assetId });
      break;
    default:
      return;
  }
  ctx.completed(action);
}

async function trashRemote(ctx: SyncContext, actions: Extract<Action, { kind: 'trash-remote' }>[]): Promise<void> {
  for (let i = 0; i < actions.length; i += 1000) {
    const batch = actions.slice(i, i + 1000);
    try {
      const { assets } = await ctx.api.trash([...new Set(batch.map((a) => a.base.assetId))]);
      ctx.state.transaction(() => assets.forEach((a) => ctx.state.remote.put(a)));
    } catch (err) {
      ctx.log.error('trash.error', err, { count: batch.length });
      for (const a of batch) ctx.report(a, failureOf(err));
      return;
    }
    ctx.state.transaction(() => {
      for (const a of batch) {
        ctx.state.base.delete(a.path);
        ctx.state.placeholders.delete(a.path);
        ctx.state.items.delete(a.path);
      }
    });
    for (const a of batch) {
      ctx.log.write('trash.remote', { path: a.path, assetId: a.base.assetId });
      ctx.completed(a);
    }
  }
}

/** One `check` request per 1000 hashes: the bytes the server already holds are never sent. */
async function serverHas(ctx: SyncContext, uploads: PushAction[]): Promise<Map<string, ServerHas>> {
  const known = new Map<string, ServerHas>();
  const checksums = [...new Set(uploads.map((a) => a.file.checksum))];
  for (let i = 0; i < checksums.length; i += 1000) {
    try {
      const { results } = await ctx.api.check(checksums.slice(i, i + 1000));
      for (const r of results) known.set(r.checksum, r.state);
    } catch (err) {
      // Uploading then finds out (the commit is idempotent); an offline server fails there too.
      ctx.log.error('check.error', err);
    }
  }
  return known;
}

async function unchanged(ctx: SyncContext, path: string, file: Parameters<typeof sameIdentity>[1]): Promise<boolean> {
  const now = await lstat(join(ctx.folder, path), { bigint: true }).then(identityOf, () => undefined);
  return now !== undefined && sameIdentity(now, file);
}
