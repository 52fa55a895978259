import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SkyrollError } from '@skyroll/protocol';

/** Admin routes take the server's admin token (written to DATA/server.json, mode 0600) as a bearer token. */
export function requireAdmin(adminToken: string) {
  const expected = digest(adminToken);
  return async (request: FastifyRequest): Promise<void> => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), expected)) throw new SkyrollError('UNAUTHORIZED', 'This route needs the admin token of DATA/server.json');
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
