import {
  DEFAULT_DEVICE_SETTINGS,
  DeviceHealthReport,
  DeviceSettings,
  HEALTH_STALE_MS,
  SkyrollError,
  type Device,
  type DeviceHealth,
  type DeviceSettingsPatch,
} from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { DeviceRow } from '../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import type { Repositories } from '../repositories/repositories.js';
import type { Auth } from './auth.service.js';

/**
 * The account's devices: their settings (a change reaches every device at once, `event: settings`),
 * their agents' heartbeats (`event: device`), and signing one out.
 */
export class DeviceService {
  constructor(
    private readonly repos: Repositories,
    private readonly events: EventBus,
    private readonly clock: Clock = Date.now,
  ) {}

  async list(auth: Auth): Promise<{ devices: Device[] }> {
    const now = this.clock();
    return { devices: (await this.repos.devices.listByAccount(auth.accountId)).map((row) => toDevice(row, now)) };
  }

  async settings(auth: Auth, deviceId: string): Promise<DeviceSettings> {
    return settingsOf(await this.require(auth, deviceId));
  }

  async updateSettings(auth: Auth, deviceId: string, patch: DeviceSettingsPatch): Promise<DeviceSettings> {
    const settings = await this.repos.transaction(async (trx) => {
      // Two PATCHes of different settings on two replicas: the second merges over the first.
      await trx.devices.lock(auth.accountId, deviceId);
      const device = await trx.devices.find(auth.accountId, deviceId);
      if (!device) throw new SkyrollError('NOT_FOUND');
      const next = { ...settingsOf(device), ...definedOnly(patch) };
      await trx.devices.updateSettings(auth.accountId, deviceId, JSON.stringify(next));
      return next;
    });
    this.events.publish(auth.accountId, { type: 'settings', data: { deviceId, settings } });
    return settings;
  }

  /**
   * Stores the caller's heartbeat at server time. Every agent sends one each HEARTBEAT_INTERVAL_MS:
   * only a changed report, or the first after a stale one (the device is back), is broadcast.
   */
  async reportHealth(auth: Auth, report: DeviceHealthReport): Promise<void> {
    const now = this.clock();
    const json = JSON.stringify(report);
    const before = await this.require(auth, auth.deviceId);
    await this.repos.devices.updateHealth(auth.accountId, auth.deviceId, json, now);
    const repeat = before.health_json === json && before.health_at !== null && !isStale(before.health_at, now);
    if (!repeat) this.events.publish(auth.accountId, { type: 'device', data: { deviceId: auth.deviceId, health: withAge(report, now, now) } });
  }

  /** Signs a device of the account out (the caller's own too: a remote logout); its streams end at once. */
  async revoke(auth: Auth, deviceId: string): Promise<void> {
    await this.require(auth, deviceId);
    await this.repos.devices.revoke(auth.accountId, deviceId, this.clock());
    this.events.publish(auth.accountId, { type: 'revoked', data: { deviceId } });
  }

  /** Another account's device is as unknown as a missing one. */
  private async require(auth: Auth, deviceId: string): Promise<DeviceRow> {
    const device = await this.repos.devices.find(auth.accountId, deviceId);
    if (!device) throw new SkyrollError('NOT_FOUND');
    return device;
  }
}

function toDevice(row: DeviceRow, now: number): Device {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revoked: row.revoked_at !== null,
    kind: row.kind === 'web' ? 'web' : 'agent',
    settings: settingsOf(row),
    health: healthOf(row, now),
  };
}

/** Stored settings over the defaults; a stored value that no longer parses falls back to its default. */
function settingsOf(row: DeviceRow): DeviceSettings {
  if (row.settings_json === null) return { ...DEFAULT_DEVICE_SETTINGS };
  const stored = DeviceSettings.partial().safeParse(parseJson(row.settings_json));
  return { ...DEFAULT_DEVICE_SETTINGS, ...(stored.success ? definedOnly(stored.data) : {}) };
}

/** The last heartbeat; a stored report that no longer matches the schema (an older shape) reads as none. */
function healthOf(row: DeviceRow, now: number): DeviceHealth | null {
  if (row.health_json === null || row.health_at === null) return null;
  const stored = DeviceHealthReport.safeParse(parseJson(row.health_json));
  return stored.success ? withAge(stored.data, row.health_at, now) : null;
}

function withAge(report: DeviceHealthReport, reportedAt: number, now: number): DeviceHealth {
  return { ...report, reportedAt, stale: isStale(reportedAt, now) };
}

function isStale(reportedAt: number, now: number): boolean {
  return now - reportedAt > HEALTH_STALE_MS;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function definedOnly(patch: DeviceSettingsPatch): DeviceSettingsPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}
