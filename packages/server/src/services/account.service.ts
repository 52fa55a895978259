import { SkyrollError, type StorageInfo } from '@skyroll/protocol';
import type { Repositories } from '../repositories/repositories.js';
import type { Auth } from './auth.service.js';

export class AccountService {
  constructor(private readonly repos: Repositories) {}

  /** Plan, quota and bytes used (every stored original an asset or version references, trash included). */
  async storage(auth: Auth): Promise<StorageInfo> {
    const account = await this.repos.accounts.findById(auth.accountId);
    if (!account) throw new SkyrollError('UNAUTHORIZED');
    return { plan: account.plan, quotaBytes: account.quota_bytes, usedBytes: account.used_bytes };
  }
}
