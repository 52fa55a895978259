import type { Asset } from '@skyroll/protocol';
import type { AssetRecord } from '../repositories/asset.repository.js';

export function toAsset(record: AssetRecord): Asset {
  return {
    id: record.id,
    checksum: record.checksum,
    size: record.size,
    type: record.type === 'video' ? 'video' : 'photo',
    mime: record.mime,
    width: record.width,
    height: record.height,
    takenAt: record.takenAt,
    path: record.path,
    originDeviceId: record.originDeviceId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    trashedAt: record.trashedAt,
    version: record.version,
  };
}
