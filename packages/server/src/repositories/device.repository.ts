import type { Kysely } from 'kysely';
import type { DB, DeviceRow } from '../db/schema.js';

export interface DeviceWithAccount {
  deviceId: string;
  deviceName: string;
  accountId: string;
  email: string;
  lastSeenAt: number | null;
}

export class DeviceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(device: Omit<DeviceRow, 'settings_json' | 'last_seen_at'>): Promise<void> {
    await this.db.insertInto('devices').values(device).execute();
  }

  async findActiveByTokenHash(tokenHash: string): Promise<DeviceWithAccount | undefined> {
    const row = await this.db
      .selectFrom('devices')
      .innerJoin('accounts', 'accounts.id', 'devices.account_id')
      .select([
        'devices.id as deviceId',
        'devices.name as deviceName',
        'accounts.id as accountId',
        'accounts.email as email',
        'devices.last_seen_at as lastSeenAt',
      ])
      .where('devices.token_hash', '=', tokenHash)
      .where('devices.revoked_at', 'is', null)
      .executeTakeFirst();
    return row && { ...row, lastSeenAt: row.lastSeenAt === null ? null : Number(row.lastSeenAt) };
  }

  async find(accountId: string, id: string): Promise<DeviceRow | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && toDevice(row);
  }

  async listByAccount(accountId: string): Promise<DeviceRow[]> {
    const rows = await this.db.selectFrom('devices').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toDevice);
  }

  async updateSettings(accountId: string, id: string, settingsJson: string): Promise<void> {
    await this.db.updateTable('devices').set({ settings_json: settingsJson }).where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  /** Records a request; a no-op while the last one recorded is younger than minIntervalMs. */
  async touch(id: string, at: number, minIntervalMs: number): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ last_seen_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<=', at - minIntervalMs)]))
      .execute();
  }

  async revoke(id: string, at: number): Promise<void> {
    await this.db.updateTable('devices').set({ revoked_at: at }).where('id', '=', id).execute();
  }
}

function toDevice(row: DeviceRow): DeviceRow {
  return {
    ...row,
    created_at: Number(row.created_at),
    revoked_at: row.revoked_at === null ? null : Number(row.revoked_at),
    last_seen_at: row.last_seen_at === null ? null : Number(row.last_seen_at),
  };
}
