import type { Kysely } from 'kysely';
import type { DB, DeviceRow } from '../db/schema.js';

export interface DeviceWithAccount {
  deviceId: string;
  deviceName: string;
  accountId: string;
  email: string;
  lastSeenAt: number | null;
  /** Set once the device was signed out: its token no longer works. */
  revokedAt: number | null;
}

export class DeviceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(device: Omit<DeviceRow, 'settings_json' | 'last_seen_at' | 'health_json' | 'health_at' | 'kind'> & { kind: 'agent' | 'web' }): Promise<void> {
    await this.db.insertInto('devices').values(device).execute();
  }

  /** Revoked devices too (one lookup on the unique token_hash), so a signed-out device can be told why. */
  async findByTokenHash(tokenHash: string): Promise<DeviceWithAccount | undefined> {
    const row = await this.db
      .selectFrom('devices')
      .innerJoin('accounts', 'accounts.id', 'devices.account_id')
      .select([
        'devices.id as deviceId',
        'devices.name as deviceName',
        'accounts.id as accountId',
        'accounts.email as email',
        'devices.last_seen_at as lastSeenAt',
        'devices.revoked_at as revokedAt',
      ])
      .where('devices.token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && { ...row, lastSeenAt: nullableNumber(row.lastSeenAt), revokedAt: nullableNumber(row.revokedAt) };
  }

  async find(accountId: string, id: string): Promise<DeviceRow | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && toDevice(row);
  }

  async listByAccount(accountId: string): Promise<DeviceRow[]> {
    const rows = await this.db.selectFrom('devices').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toDevice);
  }

  /**
   * Takes the device row's lock for the rest of the transaction (a no-op write: the row lock on
   * PostgreSQL, the write lock on SQLite), so a read-modify-write of its settings cannot lose a
   * change another replica makes at the same time.
   */
  async lock(accountId: string, id: string): Promise<void> {
    await this.db
      .updateTable('devices')
      .set((eb) => ({ settings_json: eb.ref('settings_json') }))
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  async updateSettings(accountId: string, id: string, settingsJson: string): Promise<void> {
    await this.db.updateTable('devices').set({ settings_json: settingsJson }).where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  async updateHealth(accountId: string, id: string, healthJson: string, at: number): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ health_json: healthJson, health_at: at })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
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

  /** Signs a device of the account out; a device already signed out keeps its first revocation time. */
  async revoke(accountId: string, id: string, at: number): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ revoked_at: at })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }
}

function toDevice(row: DeviceRow): DeviceRow {
  return {
    ...row,
    created_at: Number(row.created_at),
    revoked_at: nullableNumber(row.revoked_at),
    last_seen_at: nullableNumber(row.last_seen_at),
    health_at: nullableNumber(row.health_at),
  };
}

function nullableNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
