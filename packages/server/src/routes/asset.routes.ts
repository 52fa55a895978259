import {
  AssetIdParams,
  AssetIdsRequest,
  AssetsResponse,
  Asset,
  CheckRequest,
  CheckResponse,
  CommitRequest,
  CommitResponse,
  MoveRequest,
  PurgeResponse,
  ROUTES,
} from '@skyroll/protocol';
import { z } from 'zod';
import { auth } from '../http/hooks.js';
import { sendOriginal } from '../http/original.js';
import { sendPreview, sendThumbnail } from '../http/preview.js';
import type { AssetService } from '../services/asset.service.js';
import type { PreviewService } from '../services/preview.service.js';
import type { TrashService } from '../services/trash.service.js';
import type { Api } from './route-types.js';

export function assetRoutes(app: Api, assets: AssetService, trash: TrashService, previews: PreviewService): void {
  const tags = ['assets'];
  app.post(ROUTES.check, { schema: { tags, body: CheckRequest, response: { 200: CheckResponse } } }, async (req) =>
    assets.check(auth(req), req.body.checksums),
  );
  app.post(ROUTES.assets, { schema: { tags, body: CommitRequest, response: { 200: CommitResponse } } }, async (req) =>
    assets.commit(auth(req), req.body),
  );
  app.get('/api/assets/:id', { schema: { tags, params: AssetIdParams, response: { 200: Asset } } }, async (req) =>
    assets.get(auth(req), req.params.id),
  );
  app.patch('/api/assets/:id', { schema: { tags, params: AssetIdParams, body: MoveRequest, response: { 200: Asset } } }, async (req) =>
    assets.move(auth(req), req.params.id, req.body.path),
  );
  // HEAD declared with GET: Fastify's automatic HEAD route would read the whole original.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/assets/:id/original',
    schema: {
      tags,
      params: AssetIdParams,
      response: { 200: z.string().describe('The original bytes (its own MIME type)'), 206: z.string().describe('One range of them (HTTP Range)') },
    },
    handler: async (req, reply) => sendOriginal(req, reply, assets, auth(req), req.params.id),
  });
  const preview = z.string().describe('The ~2048 px JPEG preview');
  app.get('/api/assets/:id/preview', { schema: { tags, params: AssetIdParams, response: { 200: preview } } }, async (req, reply) =>
    sendPreview(req, reply, previews, auth(req), req.params.id),
  );
  const thumbnail = z.string().describe('The 256 px WebP thumbnail; its thumbhash in x-thumbhash');
  app.get('/api/assets/:id/thumbnail', { schema: { tags, params: AssetIdParams, response: { 200: thumbnail } } }, async (req, reply) =>
    sendThumbnail(req, reply, previews, auth(req), req.params.id),
  );
  app.post(ROUTES.trash, { schema: { tags, body: AssetIdsRequest, response: { 200: AssetsResponse } } }, async (req) =>
    trash.trash(auth(req), req.body.assetIds),
  );
  app.post(ROUTES.restore, { schema: { tags, body: AssetIdsRequest, response: { 200: AssetsResponse } } }, async (req) =>
    trash.restore(auth(req), req.body.assetIds),
  );
  app.get(ROUTES.trashList, { schema: { tags, response: { 200: AssetsResponse } } }, async (req) => trash.list(auth(req)));
  app.post(ROUTES.trashEmpty, { schema: { tags, response: { 200: PurgeResponse } } }, async (req) => trash.empty(auth(req)));
  app.post(ROUTES.trashPurge, { schema: { tags, body: AssetIdsRequest, response: { 200: PurgeResponse } } }, async (req) =>
    trash.purge(auth(req), req.body.assetIds),
  );
}
