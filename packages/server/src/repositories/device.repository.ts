import type { Kysely } from 'kysely';
import type { DB, DeviceRow } from '../db/schema.js';

export interface DeviceWithAccount {
  deviceId: string;
  deviceName: string;
  accountId: string;
  email: string;
}

export class DeviceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(device: DeviceRow): Promise<void> {
    await this.db.insertInto('devices').values(device).execute();
  }

  async findActiveByTokenHash(tokenHash: string): Promise<DeviceWithAccount | undefined> {
    return this.db
      .selectFrom('devices')
      .innerJoin('accounts', 'accounts.id', 'devices.account_id')
      .select(['devices.id as deviceId', 'devices.name as deviceName', 'accounts.id as accountId', 'accounts.email as email'])
      .where('devices.token_hash', '=', tokenHash)
      .where('devices.revoked_at', 'is', null)
      .executeTakeFirst();
  }

  async revoke(id: string, at: number): Promise<void> {
    await this.db.updateTable('devices').set({ revoked_at: at }).where('id', '=', id).execute();
  }
}
