import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../services/auth.service.js';
import type { PreviewService } from '../services/preview.service.js';

/** Streams an asset's preview (JPEG); its ETag names the original it was made from. */
export async function sendPreview(request: FastifyRequest, reply: FastifyReply, previews: PreviewService, auth: Auth, id: string) {
  const preview = await previews.open(auth, id);
  reply.header('etag', preview.etag).header('cache-control', 'private, no-cache').header('content-type', 'image/jpeg');
  if (request.headers['if-none-match'] === preview.etag) {
    preview.stream.destroy();
    return reply.status(304).send();
  }
  return reply.header('content-length', preview.size).send(preview.stream);
}
