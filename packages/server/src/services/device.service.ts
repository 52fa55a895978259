import {
  DEFAULT_DEVICE_SETTINGS,
  DeviceSettings,
  SkyrollError,
  type Device,
  type DeviceSettingsPatch,
} from '@skyroll/protocol';
import type { DeviceRow } from '../db/schema.js';
import type { EventBus } from '../events/event-bus.js';
import type { Repositories } from '../repositories/repositories.js';
import type { Auth } from './auth.service.js';

/** The account's devices and their settings; a change reaches every device at once (`event: settings`). */
export class DeviceService {
  constructor(
    private readonly repos: Repositories,
    private readonly events: EventBus,
  ) {}

  async list(auth: Auth): Promise<{ devices: Device[] }> {
    return { devices: (await this.repos.devices.listByAccount(auth.accountId)).map(toDevice) };
  }

  async settings(auth: Auth, deviceId: string): Promise<DeviceSettings> {
    return settingsOf(await this.require(auth, deviceId));
  }

  async updateSettings(auth: Auth, deviceId: string, patch: DeviceSettingsPatch): Promise<DeviceSettings> {
    const settings = await this.repos.transaction(async (trx) => {
      const device = await trx.devices.find(auth.accountId, deviceId);
      if (!device) throw new SkyrollError('NOT_FOUND');
      const next = { ...settingsOf(device), ...definedOnly(patch) };
      await trx.devices.updateSettings(auth.accountId, deviceId, JSON.stringify(next));
      return next;
    });
    this.events.publish(auth.accountId, { type: 'settings', data: { deviceId, settings } });
    return settings;
  }

  /** Another account's device is as unknown as a missing one. */
  private async require(auth: Auth, deviceId: string): Promise<DeviceRow> {
    const device = await this.repos.devices.find(auth.accountId, deviceId);
    if (!device) throw new SkyrollError('NOT_FOUND');
    return device;
  }
}

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revoked: row.revoked_at !== null,
    settings: settingsOf(row),
  };
}

/** Stored settings over the defaults; a stored value that no longer parses falls back to its default. */
function settingsOf(row: DeviceRow): DeviceSettings {
  if (row.settings_json === null) return { ...DEFAULT_DEVICE_SETTINGS };
  const stored = DeviceSettings.partial().safeParse(JSON.parse(row.settings_json));
  return { ...DEFAULT_DEVICE_SETTINGS, ...(stored.success ? definedOnly(stored.data) : {}) };
}

function definedOnly(patch: DeviceSettingsPatch): DeviceSettingsPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}
