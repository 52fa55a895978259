import swaggerUi from '@fastify/swagger-ui';
import { ROUTES } from '@skyroll/protocol';
import type { Api } from '../routes/route-types.js';

/**
 * The OpenAPI document (generated from the routes' zod schemas by @fastify/swagger) at
 * /api/docs/json, and a browsable UI at /api/docs. Public: it describes the API, holds no data.
 */
export async function registerApiDocs(app: Api): Promise<void> {
  await app.register(async (scope) => {
    // Every route the UI plugin adds in this scope is public.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await scope.register(swaggerUi, { routePrefix: ROUTES.docs });
  });
}
