import { SkyrollError, type Plan, type StorageDetails, type StorageInfo } from '@skyroll/protocol';
import type { EventBus } from '../events/event-bus.js';
import type { Repositories } from '../repositories/repositories.js';
import type { Auth } from './auth.service.js';
import { storageBreakdown } from './storage-breakdown.js';

export class AccountService {
  constructor(
    private readonly repos: Repositories,
    private readonly events: EventBus,
    private readonly plans: readonly Plan[],
  ) {}

  /** Plan, quota, bytes used (every stored original an asset or version references, trash included) and where they go. */
  async storage(auth: Auth): Promise<StorageDetails> {
    // One snapshot: the used bytes and their breakdown must add up even while uploads commit.
    return this.repos.snapshot(async (repos) => {
      const info = await this.storageInfo(auth.accountId, repos);
      const references = await repos.assets.storageReferences(auth.accountId);
      const names = new Map((await repos.devices.listByAccount(auth.accountId)).map((d) => [d.id, d.name]));
      return { ...info, breakdown: storageBreakdown(references, names), plans: [...this.plans] };
    });
  }

  async storageInfo(accountId: string, repos = this.repos): Promise<StorageInfo> {
    const account = await repos.accounts.findById(accountId);
    if (!account) throw new SkyrollError('UNAUTHORIZED');
    return { plan: account.plan, quotaBytes: account.quota_bytes, usedBytes: account.used_bytes };
  }

  /** Admin: puts an account on a plan; its devices are poked, so uploads waiting for space resume. */
  async setPlan(email: string, plan: string) {
    const quotaBytes = this.plans.find((p) => p.name === plan)?.quotaBytes;
    if (quotaBytes === undefined) {
      throw new SkyrollError('VALIDATION_FAILED', `No plan named ${plan}`, { field: 'plan', plans: this.plans.map((p) => p.name) });
    }
    const account = await this.repos.accounts.findByEmail(email);
    if (!account) throw new SkyrollError('NOT_FOUND', `No account with the email ${email}`);
    await this.repos.accounts.setPlan(account.id, plan, quotaBytes);
    const storage = await this.announceStorage(account.id);
    return { accountId: account.id, email: account.email, storage };
  }

  /** Tells the account's devices its storage changed (`event: account`). */
  async announceStorage(accountId: string): Promise<StorageInfo> {
    const storage = await this.storageInfo(accountId);
    this.events.publish(accountId, { type: 'account', data: storage });
    return storage;
  }
}
