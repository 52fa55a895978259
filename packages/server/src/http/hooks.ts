import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_HEADER, PROTOCOL_HEADER, SKYROLL_VERSION, SkyrollError, type UpdateRequiredDetails } from '@skyroll/protocol';
import type { ProtocolRange } from '../config.js';
import type { Auth, AuthService } from '../services/auth.service.js';
import { sessionToken } from './session-cookie.js';
import './fastify-types.js';

/** Methods that change nothing: a cross-site page may cause them, never see their answer. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Version negotiation and authentication, declared once for every route. A device proves itself
 * with its bearer token; a browser with the session cookie, plus CSRF_HEADER on every request
 * that may change something (a form or image on another site cannot set a header).
 */
export function registerRequestHooks(app: FastifyInstance, authService: AuthService, protocol: ProtocolRange): void {
  app.decorateRequest('auth', null);

  // No header (a browser, curl) is accepted: only a client that says which protocol it speaks can be refused.
  app.addHook('onRequest', async (request) => {
    const raw = request.headers[PROTOCOL_HEADER];
    if (raw === undefined) return;
    const client = Number(raw);
    if (!Number.isInteger(client) || client < protocol.min || client > protocol.max) {
      throw updateRequired(Number.isInteger(client) ? client : String(raw), protocol);
    }
  });

  app.addHook('onRequest', async (request) => {
    // OPTIONS is a CORS preflight (browsers send no credentials) and reveals nothing.
    if (request.is404 || request.method === 'OPTIONS' || request.routeOptions.config.public) return;
    const credential = credentialOf(request);
    request.auth = await authService.authenticate(credential?.token);
    if (credential?.via === 'cookie' && !SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] === undefined) {
      throw new SkyrollError('CSRF_REQUIRED');
    }
  });
}

/** Names both sides' versions, so whoever reads it knows which one to update. */
function updateRequired(client: number | string, protocol: ProtocolRange): SkyrollError {
  const details: UpdateRequiredDetails = { client, min: protocol.min, max: protocol.max, serverVersion: SKYROLL_VERSION };
  return new SkyrollError(
    'UPDATE_REQUIRED',
    `Update required: this client speaks protocol ${client}, and this server (Skyroll ${SKYROLL_VERSION}) supports protocols ${protocol.min} to ${protocol.max}`,
    details,
  );
}

/** The bearer token (header, or query where allowed) wins over the browser's session cookie. */
function credentialOf(request: FastifyRequest): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (match) return { token: match[1]!, via: 'bearer' };
  if (request.routeOptions.config.tokenInQuery) {
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string' && token) return { token, via: 'bearer' };
  }
  const cookie = sessionToken(request);
  return cookie === undefined ? undefined : { token: cookie, via: 'cookie' };
}

/** The caller of an authenticated route (the hook has already refused everyone else). */
export function auth(request: FastifyRequest): Auth {
  if (!request.auth) throw new SkyrollError('UNAUTHORIZED');
  return request.auth;
}
