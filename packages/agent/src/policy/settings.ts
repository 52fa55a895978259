/** The device settings as the CLI names them (kebab-case, on/off), and the cached copy's parsing (pure). */
import { DEFAULT_SETTINGS, type DeviceSettings } from './world.js';

export type SettingKey = keyof DeviceSettings;

/** CLI name → settings field, in the order `skyroll settings` prints them. */
export const SETTING_NAMES: Readonly<Record<string, SettingKey>> = {
  sync: 'sync',
  'mobile-data': 'mobileData',
  'unlimited-updates': 'unlimitedUpdates',
  'only-when-charging': 'onlyWhenCharging',
  'optimize-storage': 'optimizeStorage',
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseSettingName(name: string): Parsed<SettingKey> {
  const key = SETTING_NAMES[name.trim().toLowerCase()];
  if (key) return { ok: true, value: key };
  return { ok: false, error: `unknown setting: ${name} (expected one of ${Object.keys(SETTING_NAMES).join(', ')})` };
}

export function parseSettingValue(value: string): Parsed<boolean> {
  const v = value.trim().toLowerCase();
  if (v === 'on' || v === 'true') return { ok: true, value: true };
  if (v === 'off' || v === 'false') return { ok: true, value: false };
  return { ok: false, error: `not a setting value: ${value} (expected on, off, true or false)` };
}

/** `name  on|off` lines, or one line for one setting. */
export function formatSettings(settings: DeviceSettings, only?: SettingKey): string {
  return Object.entries(SETTING_NAMES)
    .filter(([, key]) => !only || key === only)
    .map(([name, key]) => `${name.padEnd(19)} ${settings[key] ? 'on' : 'off'}`)
    .join('\n');
}

/** The cached copy in the state (JSON); anything missing or malformed reads as the default. */
export function settingsFromJson(text: string | undefined): DeviceSettings {
  let raw: Record<string, unknown> = {};
  try {
    raw = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // a damaged cache: the defaults until the server answers
  }
  const settings = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(DEFAULT_SETTINGS) as SettingKey[]) if (typeof raw?.[key] === 'boolean') settings[key] = raw[key] as boolean;
  return settings;
}
