import { ROUTES, SKYROLL_VERSION, ServerInfo } from '@skyroll/protocol';
import type { ProtocolRange } from '../config.js';
import type { Api } from './route-types.js';

/** `trashRetentionDays`: how long Recently Deleted keeps an item (SKYROLL_TRASH_RETENTION_DAYS). */
export function serverRoutes(app: Api, protocol: ProtocolRange, trashRetentionDays: number): void {
  app.get(
    ROUTES.info,
    { config: { public: true }, schema: { tags: ['server'], response: { 200: ServerInfo } } },
    // This server ships with the agent of its own version: the newest one it knows of.
    async () => ({ name: 'skyroll' as const, version: SKYROLL_VERSION, protocol: { ...protocol }, latestAgentVersion: SKYROLL_VERSION, trashRetentionDays }),
  );
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
