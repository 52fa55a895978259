import type { Asset } from '@skyroll/protocol';
import type { DerivativeRow } from '../db/schema.js';
import type { AssetRecord } from '../repositories/asset.repository.js';
import type { Repositories } from '../repositories/repositories.js';
import { toAsset } from './asset.mapper.js';

/**
 * Assets as the API shows them, with their albums and derivatives, in two queries however many
 * (pass the transaction's repositories inside one, so a snapshot shows what it commits).
 */
export async function readAssets(repos: Repositories, accountId: string, records: AssetRecord[]): Promise<Asset[]> {
  if (records.length === 0) return [];
  const [albumIds, derivatives] = await Promise.all([
    repos.albums.albumIdsOf(accountId, records.map((r) => r.id)),
    repos.derivatives.findForChecksums(accountId, records.map((r) => r.checksum)),
  ]);
  const byChecksum = new Map<string, { thumbnail?: DerivativeRow; preview?: DerivativeRow }>();
  for (const row of derivatives) {
    const entry = byChecksum.get(row.checksum) ?? {};
    if (row.kind === 'thumbnail' || row.kind === 'preview') entry[row.kind] = row;
    byChecksum.set(row.checksum, entry);
  }
  return records.map((record) => toAsset(record, { albumIds: albumIds.get(record.id) ?? [], ...byChecksum.get(record.checksum) }));
}

export async function readAsset(repos: Repositories, accountId: string, record: AssetRecord): Promise<Asset> {
  const [asset] = await readAssets(repos, accountId, [record]);
  return asset!;
}
