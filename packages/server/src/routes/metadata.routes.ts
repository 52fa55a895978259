import { AssetIdParams, AssetMetadataPatch, AssetResponse, AssetsMetadataPatch, AssetsResponse, ROUTES } from '@skyroll/protocol';
import { auth } from '../http/hooks.js';
import type { AssetMetadataService } from '../services/asset-metadata.service.js';
import type { Api } from './route-types.js';

export function metadataRoutes(app: Api, metadata: AssetMetadataService): void {
  const tags = ['assets'];
  app.patch(
    '/api/assets/:id/metadata',
    { schema: { tags, params: AssetIdParams, body: AssetMetadataPatch, response: { 200: AssetResponse } } },
    async (req) => ({ asset: (await metadata.update(auth(req), [req.params.id], req.body))[0]! }),
  );
  app.post(ROUTES.assetsMetadata, { schema: { tags, body: AssetsMetadataPatch, response: { 200: AssetsResponse } } }, async (req) => {
    const { assetIds, ...patch } = req.body;
    return { assets: await metadata.update(auth(req), assetIds, patch) };
  });
}
