import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PROTOCOL_HEADER, PROTOCOL_MAX, PROTOCOL_MIN, SkyrollError } from '@skyroll/protocol';
import type { Auth, AuthService } from '../services/auth.service.js';
import './fastify-types.js';

/** Version negotiation and authentication, declared once for every route. */
export function registerRequestHooks(app: FastifyInstance, authService: AuthService): void {
  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (request) => {
    const raw = request.headers[PROTOCOL_HEADER];
    if (raw === undefined) return;
    const client = Number(raw);
    if (!Number.isInteger(client) || client < PROTOCOL_MIN || client > PROTOCOL_MAX) {
      throw new SkyrollError('UPDATE_REQUIRED', undefined, {
        client: Number.isInteger(client) ? client : raw,
        min: PROTOCOL_MIN,
        max: PROTOCOL_MAX,
      });
    }
  });

  app.addHook('onRequest', async (request) => {
    // OPTIONS is a CORS preflight (browsers send no credentials) and reveals nothing.
    if (request.is404 || request.method === 'OPTIONS' || request.routeOptions.config.public) return;
    request.auth = await authService.authenticate(bearerToken(request));
  });
}

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (match) return match[1];
  if (request.routeOptions.config.tokenInQuery) {
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string' && token) return token;
  }
  return undefined;
}

/** The caller of an authenticated route (the hook has already refused everyone else). */
export function auth(request: FastifyRequest): Auth {
  if (!request.auth) throw new SkyrollError('UNAUTHORIZED');
  return request.auth;
}
