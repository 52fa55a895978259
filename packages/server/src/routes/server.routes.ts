import { PROTOCOL_MAX, PROTOCOL_MIN, ROUTES, SKYROLL_VERSION, ServerInfo } from '@skyroll/protocol';
import type { Api } from './route-types.js';

export function serverRoutes(app: Api): void {
  app.get(
    ROUTES.info,
    { config: { public: true }, schema: { tags: ['server'], response: { 200: ServerInfo } } },
    async () => ({ name: 'skyroll' as const, version: SKYROLL_VERSION, protocol: { min: PROTOCOL_MIN, max: PROTOCOL_MAX } }),
  );
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
