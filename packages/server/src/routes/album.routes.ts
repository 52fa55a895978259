import { z } from 'zod';
import {
  AlbumAssetsRequest,
  AlbumAssetsResponse,
  AlbumIdParams,
  AlbumResponse,
  AlbumsResponse,
  CreateAlbumRequest,
  DeleteAlbumRequest,
  RenameAlbumRequest,
  ROUTES,
} from '@skyroll/protocol';
import { auth } from '../http/hooks.js';
import type { AlbumService } from '../services/album.service.js';
import type { Api } from './route-types.js';

const AlbumsQuery = z.object({ deleted: z.enum(['true', 'false']).optional() });

export function albumRoutes(app: Api, albums: AlbumService): void {
  const tags = ['albums'];
  app.get(ROUTES.albums, { schema: { tags, querystring: AlbumsQuery, response: { 200: AlbumsResponse } } }, async (req) =>
    albums.list(auth(req), req.query.deleted === 'true'),
  );
  app.post(ROUTES.albums, { schema: { tags, body: CreateAlbumRequest, response: { 200: AlbumResponse } } }, async (req) => ({
    album: await albums.create(auth(req), req.body),
  }));
  app.get('/api/albums/:id', { schema: { tags, params: AlbumIdParams, response: { 200: AlbumResponse } } }, async (req) => ({
    album: await albums.get(auth(req), req.params.id),
  }));
  app.patch(
    '/api/albums/:id',
    { schema: { tags, params: AlbumIdParams, body: RenameAlbumRequest, response: { 200: AlbumResponse } } },
    async (req) => ({ album: await albums.rename(auth(req), req.params.id, req.body) }),
  );
  app.delete(
    '/api/albums/:id',
    { schema: { tags, params: AlbumIdParams, body: DeleteAlbumRequest.nullish(), response: { 200: AlbumResponse } } },
    async (req) => ({ album: await albums.delete(auth(req), req.params.id, req.body ?? {}) }),
  );
  app.post(
    '/api/albums/:id/assets',
    { schema: { tags, params: AlbumIdParams, body: AlbumAssetsRequest, response: { 200: AlbumAssetsResponse } } },
    async (req) => albums.addAssets(auth(req), req.params.id, req.body),
  );
  app.delete(
    '/api/albums/:id/assets',
    { schema: { tags, params: AlbumIdParams, body: AlbumAssetsRequest, response: { 200: AlbumAssetsResponse } } },
    async (req) => albums.removeAssets(auth(req), req.params.id, req.body),
  );
}
