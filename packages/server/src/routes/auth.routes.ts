import type {} from '@fastify/rate-limit';
import { z } from 'zod';
import { LoginRequest, LoginResponse, MeResponse, ROUTES, SignupRequest, SignupResponse, SkyrollError } from '@skyroll/protocol';
import { auth } from '../http/hooks.js';
import { clearSessionCookie, setSessionCookie } from '../http/session-cookie.js';
import type { AuthService } from '../services/auth.service.js';
import type { Api } from './route-types.js';

export interface LoginRateLimit {
  max: number;
  timeWindowMs: number;
}

export function authRoutes(app: Api, authService: AuthService, limit: LoginRateLimit): void {
  app.post(
    ROUTES.signup,
    { config: { public: true }, schema: { tags: ['auth'], body: SignupRequest, response: { 200: SignupResponse } } },
    async (req) => authService.signup(req.body.email, req.body.password),
  );
  app.post(
    ROUTES.login,
    {
      config: {
        public: true,
        rateLimit: {
          max: limit.max,
          timeWindow: limit.timeWindowMs,
          // After validation, so the key holds the normalized email.
          hook: 'preHandler',
          keyGenerator: (req) => `${req.ip}|${(req.body as { email?: string } | undefined)?.email ?? ''}`,
          errorResponseBuilder: (_req, ctx) => new SkyrollError('RATE_LIMITED', undefined, { retryAfterMs: ctx.ttl }),
        },
      },
      schema: { tags: ['auth'], body: LoginRequest, response: { 200: LoginResponse } },
    },
    async (req, reply) => {
      const browser = req.body.session === 'cookie';
      const session = await authService.login(req.body.email, req.body.password, req.body.deviceName, browser ? 'web' : 'agent');
      if (!browser) return session;
      // The token lives only in the HttpOnly cookie: a script in the page never sees it.
      setSessionCookie(req, reply, session.token);
      const { token: _token, ...rest } = session;
      return rest;
    },
  );
  app.post(
    ROUTES.logout,
    { schema: { tags: ['auth'], response: { 204: z.null().describe('Signed out (a browser session: its cookie cleared)') } } },
    async (req, reply) => {
      await authService.logout(auth(req));
      clearSessionCookie(req, reply);
      return reply.status(204).send(null);
    },
  );
  app.get(ROUTES.me, { schema: { tags: ['auth'], response: { 200: MeResponse } } }, async (req) => auth(req));
}
