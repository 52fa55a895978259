import { ROUTES, SetPlanRequest, SetPlanResponse, StorageDetails } from '@skyroll/protocol';
import { requireAdmin } from '../http/admin.js';
import { auth } from '../http/hooks.js';
import type { AccountService } from '../services/account.service.js';
import type { Api } from './route-types.js';

export function accountRoutes(app: Api, accounts: AccountService, adminToken: string): void {
  app.get(ROUTES.storage, { schema: { tags: ['account'], response: { 200: StorageDetails } } }, async (req) => accounts.storage(auth(req)));
  // The admin token (DATA/server.json), not a device's: `skyroll admin` on the server's machine.
  app.post(
    ROUTES.adminPlan,
    { config: { public: true }, preHandler: requireAdmin(adminToken), schema: { tags: ['admin'], body: SetPlanRequest, response: { 200: SetPlanResponse } } },
    async (req) => accounts.setPlan(req.body.email, req.body.plan),
  );
}
