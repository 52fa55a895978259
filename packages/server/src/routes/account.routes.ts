import { ROUTES, StorageInfo } from '@skyroll/protocol';
import { auth } from '../http/hooks.js';
import type { AccountService } from '../services/account.service.js';
import type { Api } from './route-types.js';

export function accountRoutes(app: Api, accounts: AccountService): void {
  app.get(ROUTES.storage, { schema: { tags: ['account'], response: { 200: StorageInfo } } }, async (req) => accounts.storage(auth(req)));
}
