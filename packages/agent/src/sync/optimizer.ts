/**
 * Optimize Storage's hands: originals replaced by their previews when the device runs short of
 * space (least recently used first), new downloads placed as previews, and an original brought
 * back on demand. A placeholder is tracked in the state (asset, preview checksum) so the model
 * never takes it for a local edit, and never uploads it.
 */
import { lstat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SkyrollError } from '@skyroll/protocol';
import { AgentError } from '../cli/agent-error.js';
import { chooseEvictions, PREVIEW_BYTES_ESTIMATE, type EvictionCandidate } from '../eviction.js';
import { floorOf } from '../policy/rules.js';
import type { DeviceSettings, World } from '../policy/world.js';
import type { LocalFile } from '../reconcile.js';
import { identityOf, sameIdentity } from '../scan/scanner.js';
import type { AgentState } from '../state/state.js';
import type { ApiClient } from '../transfer/api-client.js';
import { downloadOriginal, downloadPreview, placeNew, placeOver } from '../transfer/downloader.js';
import type { AgentLog } from './agent-log.js';
import type { SyncContext } from './context.js';
import { failureOf, isAbort } from './failure.js';
import type { PullAction } from './puller.js';

/** A preview the server has not made yet is asked for again after this long. */
const PREVIEW_MISSING_MS = 60_000;

/** Keeps the placeholder table in step with the file a base record now describes. */
export function recordPlaceholder(state: AgentState, path: string, file: LocalFile, assetId: string): void {
  if (file.placeholder) state.placeholders.put({ path, assetId, checksum: file.checksum, placeholderChecksum: file.placeholder.checksum });
  else state.placeholders.delete(path);
}

export class Optimizer {
  /** Assets whose preview the server answered 404 for, until when. */
  private readonly missing = new Map<string, number>();

  constructor(private readonly ctx: SyncContext) {}

  /** Under the floor with Optimize Storage on: replace originals with previews until above it. Returns bytes freed. */
  async evict(world: World, settings: DeviceSettings, now = Date.now()): Promise<number> {
    if (!settings.optimizeStorage || !world.disk || world.disk.freeBytes >= floorOf(world)) return 0;
    const chosen = chooseEvictions({
      candidates: await this.candidates(now),
      freeBytes: world.disk.freeBytes,
      floorBytes: floorOf(world),
      previewBytes: PREVIEW_BYTES_ESTIMATE,
    });
    let freed = 0;
    for (const c of chosen) freed += await this.evictOne(c, now);
    return freed;
  }

  private async candidates(now: number): Promise<EvictionCandidate[]> {
    const { state, folder } = this.ctx;
    const placeholders = new Set(state.placeholders.all().map((p) => p.path));
    const waiting = new Set(state.items.all().map((i) => i.path));
    const out: EvictionCandidate[] = [];
    for (const b of state.base.all()) {
      const stat = await lstat(join(folder, b.path), { bigint: true }).catch(() => undefined);
      if (!stat) continue;
      const until = this.missing.get(b.assetId);
      out.push({
        path: b.path,
        assetId: b.assetId,
        size: b.size,
        lastUsedMs: Number((stat.atimeNs > stat.mtimeNs ? stat.atimeNs : stat.mtimeNs) / 1_000_000n),
        synced: sameIdentity(identityOf(stat), b) && !waiting.has(b.path),
        placeholder: placeholders.has(b.path),
        previewMissing: until !== undefined && until > now,
      });
    }
    return out;
  }

  private async evictOne(c: EvictionCandidate, now: number): Promise<number> {
    const { state, folder, api, log } = this.ctx;
    const abs = join(folder, c.path);
    let preview: Awaited<ReturnType<typeof downloadPreview>>;
    try {
      preview = await downloadPreview(c.assetId, folder, api);
    } catch (err) {
      if (err instanceof SkyrollError && err.code === 'NOT_FOUND') this.missing.set(c.assetId, now + PREVIEW_MISSING_MS);
      else log.error('optimize.error', err, { path: c.path, assetId: c.assetId });
      return 0;
    }
    // The original must still be exactly what both sides agreed on: an edit is never thrown away.
    const b = state.base.get(c.path);
    const stat = await lstat(abs, { bigint: true }).then(identityOf, () => undefined);
    if (!b || b.assetId !== c.assetId || !stat || !sameIdentity(stat, b)) {
      await unlink(preview.path).catch(() => {});
      return 0;
    }
    await placeOver(preview.path, abs);
    const id = identityOf(await lstat(abs, { bigint: true }));
    state.transaction(() => {
      state.hashes.store(id, preview.checksum);
      state.base.put({ ...b, ...id });
      state.placeholders.put({ path: c.path, assetId: c.assetId, checksum: b.checksum, placeholderChecksum: preview.checksum });
    });
    const freed = b.size - preview.size;
    this.ctx.disk(freed);
    log.write('optimize.evicted', { path: c.path, assetId: c.assetId, originalBytes: b.size, previewBytes: preview.size });
    return freed;
  }
}

/** A download as its preview (an optimizing device under its free-space floor). */
export async function pullPreview(ctx: SyncContext, action: PullAction, signal: AbortSignal): Promise<void> {
  const { asset } = action;
  const abs = join(ctx.folder, action.path);
  try {
    ctx.state.items.setState(action.path, 'downloading');
    const preview = await downloadPreview(asset.id, ctx.folder, ctx.api, signal);
    if (action.kind === 'download') {
      if (!(await placeNew(preview.path, abs))) return void (await unlink(preview.path).catch(() => {}));
    } else {
      const now = await lstat(abs, { bigint: true }).then(identityOf, () => undefined);
      if (!now || !sameIdentity(now, action.file)) return void (await unlink(preview.path).catch(() => {}));
      await placeOver(preview.path, abs);
    }
    const id = identityOf(await lstat(abs, { bigint: true }));
    const remotePath = action.kind === 'download' ? asset.path : action.base.remotePath;
    ctx.state.transaction(() => {
      ctx.state.hashes.store(id, preview.checksum);
      ctx.state.base.put({ path: action.path, assetId: asset.id, checksum: asset.checksum, remotePath, ...id });
      ctx.state.placeholders.put({ path: action.path, assetId: asset.id, checksum: asset.checksum, placeholderChecksum: preview.checksum });
      ctx.state.items.delete(action.path);
    });
    ctx.disk(-preview.size);
    ctx.log.write('download.done', { path: action.path, assetId: asset.id, replaced: action.kind === 'replace-local', preview: true });
    ctx.completed(action);
  } catch (err) {
    if (isAbort(err)) return;
    ctx.log.error('download.error', err, { path: action.path, assetId: asset.id, preview: true });
    const notMade = err instanceof SkyrollError && err.code === 'NOT_FOUND';
    const waiting = { state: 'pending', reason: 'device-storage', detail: 'device storage is low: waiting for the server to make the preview to keep here', retryAfterMs: 2000 } as const;
    ctx.report(action, notMade ? waiting : failureOf(err));
  }
}

/** `skyroll fetch PATH`: the original back in place of its preview, byte-identical (Range, SHA-256, atomic rename). */
export async function fetchOriginal(state: AgentState, api: ApiClient, folder: string, path: string, log: AgentLog): Promise<{ assetId: string; size: number }> {
  const p = state.placeholders.get(path);
  const b = state.base.get(path);
  if (!p || !b) throw new AgentError(`${path} is not optimized: its original is on this device already`);
  const size = state.remote.size(p.assetId);
  const current = state.remote.all().find((a) => a.id === p.assetId);
  if (size === undefined || !current || current.checksum !== p.checksum) {
    throw new AgentError(`${path}: the cloud holds other bytes for it now (a new version or a deletion); sync brings them`);
  }
  const tmp = await downloadOriginal({ assetId: p.assetId, checksum: p.checksum, size }, folder, api);
  const abs = join(folder, path);
  const stat = await lstat(abs, { bigint: true }).then(identityOf, () => undefined);
  if (!stat || !sameIdentity(stat, b)) {
    // Edited (or moved) meanwhile: the edit is synced as its own photo; the original stays where it is.
    throw new AgentError(`${path} changed on this device since it was optimized; its edit syncs as a new photo`);
  }
  await placeOver(tmp, abs);
  const id = identityOf(await lstat(abs, { bigint: true }));
  state.transaction(() => {
    state.hashes.store(id, p.checksum);
    state.base.put({ ...b, ...id });
    state.placeholders.delete(path);
    state.items.delete(path);
  });
  log.write('optimize.fetched', { path, assetId: p.assetId, bytes: size });
  return { assetId: p.assetId, size };
}
