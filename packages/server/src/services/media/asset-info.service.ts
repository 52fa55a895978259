import path from 'node:path';
import type { AssetInfo } from '@skyroll/protocol';
import type { Repositories } from '../../repositories/repositories.js';
import type { AssetService } from '../asset.service.js';
import type { Auth } from '../auth.service.js';
import type { MediaDetails } from './media-details.js';

const NO_DETAILS: MediaDetails = { camera: null, exposure: null, location: null };

/** The viewer's info panel: the asset, what its EXIF says, and how far its derivatives are. */
export class AssetInfoService {
  constructor(
    private readonly repos: Repositories,
    private readonly assets: AssetService,
  ) {}

  async info(auth: Auth, assetId: string): Promise<AssetInfo> {
    const asset = await this.assets.get(auth, assetId); // NOT_FOUND for another account's id too
    const [blob, derivatives] = await Promise.all([
      this.repos.blobs.find(auth.accountId, asset.checksum),
      this.repos.derivatives.list(auth.accountId, asset.checksum),
    ]);
    // '{}' (read, nothing there) and null (not read yet: see MediaDetailsService) show nothing.
    const details: Partial<MediaDetails> = blob?.details_json ? (JSON.parse(blob.details_json) as Partial<MediaDetails>) : NO_DETAILS;
    return {
      asset,
      fileName: path.posix.basename(asset.path),
      camera: details.camera ?? null,
      exposure: details.exposure ?? null,
      location: details.location ?? null,
      derivatives: derivatives.map((d) => ({
        kind: d.kind,
        state: d.state === 'ready' || d.state === 'failed' ? d.state : 'pending',
        width: d.width,
        height: d.height,
        error: d.error,
      })),
    };
  }
}
