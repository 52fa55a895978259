/**
 * Metadata as end-to-end tests read it: a device's `status --json` items (favorite, hidden,
 * albums), its `albums --json`, and the server's own view of an asset.
 */
import type { Asset } from '@skyroll/protocol';
import type { ApiClient } from './api.js';
import type { Device, Harness } from './harness.js';
import { describeRun, runCli, runCliOk, type RunResult } from './processes.js';
import { waitFor } from './wait.js';

export interface ItemMetadata {
  favorite: boolean;
  hidden: boolean;
  albums: string[];
}

export interface AlbumListing {
  id: string;
  name: string;
  count: number;
  paths: string[];
}

/** The metadata `status --json` gives the item at `path` on a device (undefined: no such item). */
export async function metadataOf(h: Harness, device: Device, path: string): Promise<ItemMetadata | undefined> {
  const item = (await h.status(device)).items.find((i) => i.path === path) as (ItemMetadata & { path: string }) | undefined;
  return item && { favorite: item.favorite, hidden: item.hidden, albums: item.albums };
}

/** Waits until the device's `status --json` shows `expected` (the fields given) for `path`. */
export async function waitForMetadata(
  h: Harness,
  device: Device,
  path: string,
  expected: Partial<ItemMetadata>,
  timeoutMs: number,
): Promise<ItemMetadata> {
  let last: ItemMetadata | undefined;
  return waitFor(
    async () => {
      last = await metadataOf(h, device, path);
      if (!last) return undefined;
      const matches = Object.entries(expected).every(([key, value]) => JSON.stringify(last![key as keyof ItemMetadata]) === JSON.stringify(value));
      return matches ? last : undefined;
    },
    timeoutMs,
    `${path} on device ${device.name} to show ${JSON.stringify(expected)}`,
    { explain: () => `last seen: ${JSON.stringify(last)}` },
  );
}

/** `skyroll albums --json` on a device. */
export async function albumsOf(device: Device): Promise<AlbumListing[]> {
  const r = await runCliOk(['albums', '--json', '--state', device.stateDir]);
  return (JSON.parse(r.stdout) as { albums: AlbumListing[] }).albums;
}

/** Runs a metadata command (`favorite`, `hide`, `album …`) on a device; `env` e.g. to take it offline. */
export async function onDevice(device: Device, args: string[], env?: Record<string, string | undefined>): Promise<RunResult> {
  const r = await runCli([...args, '--state', device.stateDir], { env });
  if (r.code !== 0) throw new Error(`skyroll ${args.join(' ')} on device ${device.name} exited ${r.code}\n${describeRun(r)}`);
  return r;
}

/** The asset at `path` as the server has it now. */
export async function serverAsset(api: ApiClient, path: string): Promise<Asset> {
  const asset = (await api.liveAssets()).find((a) => a.path === path);
  if (!asset) throw new Error(`no live asset at ${path} on the server`);
  return asset;
}
