import { ROUTES } from '@skyroll/protocol';
import type { TusEndpoint } from '../http/tus.js';
import type { Api } from './route-types.js';

const TUS_METHODS = ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export function uploadRoutes(app: Api, tus: TusEndpoint): void {
  // tus streams the body itself: accept its content type without reading it.
  app.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));
  const schema = { tags: ['uploads'], hide: true };
  app.route({ method: [...TUS_METHODS], url: ROUTES.uploads, schema, handler: (req, reply) => tus.handle(req, reply, req.auth) });
  app.route<{ Params: { id: string } }>({
    method: [...TUS_METHODS],
    url: `${ROUTES.uploads}/:id`,
    schema,
    handler: (req, reply) => tus.handle(req, reply, req.auth, req.params.id),
  });
}
