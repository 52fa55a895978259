import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AssetService } from '../services/asset.service.js';
import type { Auth } from '../services/auth.service.js';
import { parseRange } from './range.js';

/** Streams an asset's original with HTTP Range support; the ETag is the checksum. */
export async function sendOriginal(request: FastifyRequest, reply: FastifyReply, assets: AssetService, auth: Auth, id: string) {
  const asset = await assets.get(auth, id);
  const etag = `"${asset.checksum}"`;
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('cache-control', 'private, no-cache')
    .header('content-type', asset.mime);
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  const ifRange = request.headers['if-range'];
  const range = ifRange && ifRange !== etag ? undefined : parseRange(request.headers.range, asset.size);
  if (range === 'unsatisfiable') {
    return reply.status(416).header('content-range', `bytes */${asset.size}`).header('content-type', 'text/plain').send('');
  }
  if (range) reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${asset.size}`);
  reply.header('content-length', range ? range.end - range.start + 1 : asset.size);
  // HEAD: the headers only; opening the stream would read the whole file for nothing.
  if (request.method === 'HEAD') return reply.send();
  return reply.send(assets.readOriginal(auth, asset, range));
}
