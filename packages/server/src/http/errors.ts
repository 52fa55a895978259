import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { SkyrollError } from '@skyroll/protocol';

/** Answers a request no route took, when it is its to answer (true); else the API's 404 follows. */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

/** Every error leaves the server as an ErrorBody with the status of its catalogue code. */
export function registerErrorHandling(app: FastifyInstance, fallback?: NotFoundFallback): void {
  app.setErrorHandler((err, request, reply) => {
    const error = toSkyrollError(err);
    if (error.code === 'INTERNAL') request.log.error({ err }, 'request failed');
    return reply.status(error.status).send(error.toBody());
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (fallback && (await fallback(request, reply))) return reply;
    return reply.status(404).send(new SkyrollError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`).toBody());
  });
}

export function toSkyrollError(err: unknown): SkyrollError {
  if (err instanceof SkyrollError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
    const onPath = issues.length > 0 && issues.every((i) => /(^|\/)path$/.test(i.path));
    return new SkyrollError(onPath ? 'INVALID_PATH' : 'VALIDATION_FAILED', undefined, {
      in: (err as { validationContext?: string }).validationContext,
      issues,
    });
  }
  const fastifyError = err as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SkyrollError('INVALID_JSON', fastifyError.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SkyrollError('PAYLOAD_TOO_LARGE');
  }
  // Body parsers throw SyntaxError with a 400 status for broken JSON.
  if (err instanceof SyntaxError && fastifyError.statusCode === 400) return new SkyrollError('INVALID_JSON', err.message);
  const status = fastifyError.statusCode ?? 500;
  if (status === 413) return new SkyrollError('PAYLOAD_TOO_LARGE');
  if (status === 429) return new SkyrollError('RATE_LIMITED');
  if (status >= 400 && status < 500) return new SkyrollError('BAD_REQUEST', fastifyError.message);
  return new SkyrollError('INTERNAL');
}
