import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '@skyroll/protocol';

/** A browser session lasts until signed out (the token does not expire); browsers cap a cookie at 400 days. */
const MAX_AGE_S = 400 * 24 * 3600;

/**
 * The browser's session: the device token in an HttpOnly cookie (out of reach of page scripts),
 * SameSite=Strict (never sent by another site's request), Secure when the browser came over HTTPS
 * (directly, or through a proxy that says so).
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure: cameOverHttps(request), maxAge: MAX_AGE_S });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  if (request.cookies[SESSION_COOKIE] === undefined) return;
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: cameOverHttps(request) });
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE] || undefined;
}

function cameOverHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https' || request.protocol === 'https';
}
