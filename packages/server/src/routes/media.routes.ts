import { AssetIdParams, AssetInfo } from '@skyroll/protocol';
import { auth } from '../http/hooks.js';
import type { AssetInfoService } from '../services/media/asset-info.service.js';
import type { Api } from './route-types.js';

export function mediaRoutes(app: Api, info: AssetInfoService): void {
  const tags = ['assets'];
  app.get('/api/assets/:id/info', { schema: { tags, params: AssetIdParams, response: { 200: AssetInfo } } }, async (req) =>
    info.info(auth(req), req.params.id),
  );
}
