/**
 * The model: given what the folder holds now, what both sides agreed on at the last sync (the
 * base) and what the cloud holds now, decide what should happen to each item. Pure: no I/O.
 *
 * Every decision is re-derived from observed state, so an action interrupted by a crash is
 * simply decided again (or found done) on the next pass.
 */
import { isSafeRelativePath } from '@skyroll/protocol';
import { massDeleteGuard } from './mass-delete.js';

export interface LocalFile {
  path: string;
  checksum: string;
  dev: string;
  ino: string;
  size: number;
  mtimeNs: string;
  /**
   * Set when these bytes are an Optimize Storage placeholder (the preview standing in for an
   * original): `checksum` is then the original's, and `placeholder.checksum` the preview's.
   */
  placeholder?: { checksum: string };
}

/** An original replaced by its preview on this device (Optimize Storage). */
export interface PlaceholderRecord {
  path: string;
  assetId: string;
  /** The original's SHA-256 (the asset's checksum when it was optimized). */
  checksum: string;
  /** The SHA-256 of the preview bytes now at `path`. */
  placeholderChecksum: string;
}

/** Per local path: the asset it was last in sync with. */
export interface BaseRecord {
  path: string;
  assetId: string;
  checksum: string;
  /** The asset's path in the cloud when last seen, so a remote move can be told apart. */
  remotePath: string;
  dev: string;
  ino: string;
  size: number;
  mtimeNs: string;
}

export interface RemoteAsset {
  id: string;
  checksum: string;
  path: string;
  trashed: boolean;
  version: number;
}

export interface ReconcileInput {
  local: LocalFile[];
  base: BaseRecord[];
  remote: RemoteAsset[];
  /** Paths whose upload failed for good, with the checksum that failed: not retried until it changes. */
  failed?: ReadonlyMap<string, string>;
  /** Paths present but still being written: left alone this pass (neither new nor deleted). */
  busy?: readonly string[];
  /** Originals this device holds as previews (Optimize Storage). */
  placeholders?: readonly PlaceholderRecord[];
}

export interface ReconcileOptions {
  /** The synced folder, for the mass-deletion message. */
  folder: string;
  /** Whether `DIR/.skyroll/folder` exists. */
  markerPresent: boolean;
  confirmDeletions: boolean;
}

export type Action =
  | { kind: 'upload'; path: string; file: LocalFile; replaces?: { assetId: string; checksum: string } }
  /** Record the local file as in sync with an asset; `restore` commits first to bring it back from the trash. */
  | { kind: 'link'; path: string; file: LocalFile; asset: RemoteAsset; restore: boolean; from?: string }
  | { kind: 'download'; path: string; asset: RemoteAsset }
  | { kind: 'replace-local'; path: string; file: LocalFile; asset: RemoteAsset; base: BaseRecord }
  | { kind: 'delete-local'; path: string; file: LocalFile; base: BaseRecord }
  | { kind: 'trash-remote'; path: string; base: BaseRecord }
  | { kind: 'move-remote'; path: string; file: LocalFile; base: BaseRecord }
  | { kind: 'move-local'; path: string; file: LocalFile; to: string; base: BaseRecord; asset: RemoteAsset }
  | { kind: 'forget'; path: string; base: BaseRecord };

export type ActionKind = Action['kind'];

export interface BlockedItem {
  path: string;
  reason: 'mass-delete';
  detail: string;
}

export interface Plan {
  actions: Action[];
  blocked: BlockedItem[];
}

export function reconcile(input: ReconcileInput, options: ReconcileOptions): Plan {
  // A placeholder is its original as far as the model goes: unchanged, it is in sync; never uploaded.
  const byPreview = new Map((input.placeholders ?? []).map((p) => [p.placeholderChecksum, p]));
  const placeholderAt = new Map((input.placeholders ?? []).map((p) => [p.path, p]));
  const asOriginal = (f: LocalFile): LocalFile => {
    const p = byPreview.get(f.checksum);
    return p ? { ...f, checksum: p.checksum, placeholder: { checksum: f.checksum } } : f;
  };
  const local = new Map(input.local.map((f) => [f.path, asOriginal(f)]));
  const base = new Map(input.base.map((b) => [b.path, b]));
  const remote = new Map(input.remote.map((r) => [r.id, r]));
  const byChecksum = remoteByChecksum(input.remote);
  const failed = input.failed ?? new Map<string, string>();
  const busy = new Set(input.busy ?? []);
  const present = (path: string) => local.has(path) || busy.has(path);

  const actions: Action[] = [];
  const deletions: Extract<Action, { kind: 'trash-remote' }>[] = [];
  /** Assets some local path holds or is about to hold: never downloaded again. */
  const claimed = new Set<string>();
  /** Local paths already spoken for, so a download never lands on other bytes. */
  const taken = new Set<string>([...local.keys(), ...base.keys(), ...busy]);
  const done = new Set<string>();

  // Renames first: the same bytes vanished from one path and appeared at another.
  for (const move of pairRenames(input.base, local, base, remote, present)) {
    const { from, file } = move;
    const asset = remote.get(from.assetId)!;
    claimed.add(asset.id);
    done.add(from.path).add(file.path);
    if (asset.path === file.path) {
      actions.push({ kind: 'link', path: file.path, file, asset, restore: false, from: from.path });
    } else {
      actions.push({ kind: 'move-remote', path: file.path, file, base: from });
    }
  }

  // Assets still held by a local file after this pass (a copy keeps the asset alive).
  const held = new Set<string>();
  for (const b of input.base) if (present(b.path) && !done.has(b.path)) held.add(b.assetId);

  for (const path of [...new Set([...base.keys(), ...local.keys()])].sort()) {
    if (done.has(path)) continue;
    const b = base.get(path);
    const file = local.get(path);
    if (busy.has(path)) {
      if (b) claimed.add(b.assetId);
      continue;
    }
    if (!b && file) {
      const action = decideNewFile(file, byChecksum, failed);
      if (action) {
        actions.push(action);
        if (action.kind === 'link') claimed.add(action.asset.id);
      }
      continue;
    }
    if (!b) continue;
    const asset = remote.get(b.assetId);
    const live = asset && !asset.trashed ? asset : undefined;
    if (file) {
      claimed.add(b.assetId);
      // Bytes saved over a placeholder are a new photo, not a new version of the original.
      const editedPlaceholder = placeholderAt.get(path)?.checksum === b.checksum && !file.placeholder && file.checksum !== b.checksum;
      const action = editedPlaceholder
        ? decideNewFile(file, byChecksum, failed)
        : decideKnownFile(file, b, asset, live, taken, failed);
      if (action) actions.push(action);
      if (action?.kind === 'move-local') taken.add(action.to);
      continue;
    }
    // The file is gone locally.
    if (!live || live.checksum !== b.checksum || held.has(b.assetId)) taken.delete(path);
    if (!live) {
      actions.push({ kind: 'forget', path, base: b });
    } else if (live.checksum !== b.checksum) {
      // Local delete vs a new version in the cloud: the new version comes back (below).
      actions.push({ kind: 'forget', path, base: b });
    } else if (held.has(b.assetId)) {
      claimed.add(b.assetId);
      actions.push({ kind: 'forget', path, base: b });
    } else {
      claimed.add(b.assetId);
      deletions.push({ kind: 'trash-remote', path, base: b });
    }
  }

  const blocked: BlockedItem[] = [];
  const guard = massDeleteGuard({
    deletions: deletions.length,
    synced: input.base.length,
    markerPresent: options.markerPresent,
    confirmed: options.confirmDeletions,
    folder: options.folder,
  });
  if (guard.allowed) actions.push(...deletions);
  else for (const d of deletions) blocked.push({ path: d.path, reason: 'mass-delete', detail: guard.detail });

  for (const asset of [...remote.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    if (asset.trashed || claimed.has(asset.id) || !isSafeRelativePath(asset.path)) continue;
    const path = freePath(asset.path, taken);
    taken.add(path);
    actions.push({ kind: 'download', path, asset });
  }

  return { actions, blocked };
}

function decideNewFile(
  file: LocalFile,
  byChecksum: Map<string, RemoteAsset>,
  failed: ReadonlyMap<string, string>,
): Action | undefined {
  const asset = byChecksum.get(file.checksum);
  if (asset) return { kind: 'link', path: file.path, file, asset, restore: asset.trashed };
  if (file.placeholder || failed.get(file.path) === file.checksum) return undefined;
  return { kind: 'upload', path: file.path, file };
}

function decideKnownFile(
  file: LocalFile,
  b: BaseRecord,
  asset: RemoteAsset | undefined,
  live: RemoteAsset | undefined,
  taken: Set<string>,
  failed: ReadonlyMap<string, string>,
): Action | undefined {
  if (file.checksum !== b.checksum) {
    // Both sides saved the same bytes: nothing to send, just record it.
    if (live && live.checksum === file.checksum) return { kind: 'link', path: file.path, file, asset: live, restore: false };
    if (file.placeholder || failed.get(file.path) === file.checksum) return undefined;
    // A local change wins over a remote trash and over a remote new version (the server keeps
    // the other bytes as a version): nothing is destroyed.
    const replaces = asset ? { assetId: b.assetId, checksum: b.checksum } : undefined;
    return { kind: 'upload', path: file.path, file, ...(replaces ? { replaces } : {}) };
  }
  if (!live) return { kind: 'delete-local', path: file.path, file, base: b };
  if (live.checksum !== b.checksum) return { kind: 'replace-local', path: file.path, file, asset: live, base: b };
  if (live.path !== b.remotePath) {
    if (live.path !== file.path && !taken.has(live.path) && isSafeRelativePath(live.path)) {
      return { kind: 'move-local', path: file.path, file, to: live.path, base: b, asset: live };
    }
    return { kind: 'link', path: file.path, file, asset: live, restore: false };
  }
  if (!sameStat(file, b)) return { kind: 'link', path: file.path, file, asset: live, restore: false };
  return undefined;
}

/** Vanished base records paired with new local files holding the same bytes (same inode first). */
function pairRenames(
  records: BaseRecord[],
  local: Map<string, LocalFile>,
  base: Map<string, BaseRecord>,
  remote: Map<string, RemoteAsset>,
  present: (path: string) => boolean,
): { from: BaseRecord; file: LocalFile }[] {
  const fresh = new Map<string, LocalFile[]>();
  for (const f of local.values()) {
    if (base.has(f.path)) continue;
    const list = fresh.get(f.checksum) ?? [];
    list.push(f);
    fresh.set(f.checksum, list);
  }
  const pairs: { from: BaseRecord; file: LocalFile }[] = [];
  for (const b of [...records].sort((x, y) => x.path.localeCompare(y.path))) {
    if (present(b.path)) continue;
    const asset = remote.get(b.assetId);
    if (!asset || asset.trashed || asset.checksum !== b.checksum) continue;
    const candidates = fresh.get(b.checksum);
    if (!candidates?.length) continue;
    const i = Math.max(0, candidates.findIndex((f) => f.ino === b.ino && f.dev === b.dev));
    const [file] = candidates.splice(i, 1);
    pairs.push({ from: b, file });
  }
  return pairs;
}

function remoteByChecksum(assets: RemoteAsset[]): Map<string, RemoteAsset> {
  const map = new Map<string, RemoteAsset>();
  for (const a of assets) {
    const seen = map.get(a.checksum);
    if (!seen || (seen.trashed && !a.trashed)) map.set(a.checksum, a);
  }
  return map;
}

export function sameStat(a: Pick<LocalFile, 'dev' | 'ino' | 'size' | 'mtimeNs'>, b: Pick<LocalFile, 'dev' | 'ino' | 'size' | 'mtimeNs'>): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** `dir/name.ext`, or `dir/name (2).ext`, `(3)`… when that path is taken by other bytes. */
export function freePath(path: string, taken: ReadonlySet<string>): string {
  if (!taken.has(path)) return path;
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let n = 2; ; n++) {
    const candidate = `${dir}${stem} (${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}
