import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../services/auth.service.js';
import type { PreviewService } from '../services/preview.service.js';
import type { DerivativeKind } from '../stores/blob-store.js';

const CONTENT_TYPES: Record<DerivativeKind, string> = { preview: 'image/jpeg', thumbnail: 'image/webp' };

/** Streams an asset's preview (JPEG); its ETag names the original it was made from. */
export async function sendPreview(request: FastifyRequest, reply: FastifyReply, previews: PreviewService, auth: Auth, id: string) {
  return sendDerivative(request, reply, previews, auth, id, 'preview');
}

/** Streams an asset's thumbnail (WebP), with its thumbhash placeholder in `x-thumbhash`. */
export async function sendThumbnail(request: FastifyRequest, reply: FastifyReply, previews: PreviewService, auth: Auth, id: string) {
  return sendDerivative(request, reply, previews, auth, id, 'thumbnail');
}

async function sendDerivative(
  request: FastifyRequest,
  reply: FastifyReply,
  previews: PreviewService,
  auth: Auth,
  id: string,
  kind: DerivativeKind,
) {
  const derivative = await previews.open(auth, id, kind);
  reply.header('etag', derivative.etag).header('cache-control', 'private, no-cache').header('content-type', CONTENT_TYPES[kind]);
  if (derivative.thumbhash) reply.header('x-thumbhash', derivative.thumbhash);
  if (request.headers['if-none-match'] === derivative.etag) {
    derivative.stream.destroy();
    return reply.status(304).send();
  }
  return reply.header('content-length', derivative.size).send(derivative.stream);
}
