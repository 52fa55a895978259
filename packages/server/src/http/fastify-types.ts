import type { Auth } from '../services/auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The calling device; set by the auth hook on every route that is not public. */
    auth: Auth | null;
  }
  interface FastifyContextConfig {
    /** No token needed (server info, signup, login). */
    public?: boolean;
    /** Also accept the token as `?token=` (EventSource in browsers cannot set headers). */
    tokenInQuery?: boolean;
  }
}

export {};
