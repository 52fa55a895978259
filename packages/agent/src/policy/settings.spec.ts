import { describe, expect, it } from 'vitest';
import { formatSettings, parseSettingName, parseSettingValue, settingsFromJson } from './settings.js';
import { DEFAULT_SETTINGS } from './world.js';

describe('parseSettingName', () => {
  it.each([
    ['sync', 'sync'],
    ['mobile-data', 'mobileData'],
    ['unlimited-updates', 'unlimitedUpdates'],
    ['only-when-charging', 'onlyWhenCharging'],
    ['optimize-storage', 'optimizeStorage'],
    ['Mobile-Data', 'mobileData'],
  ])('%s -> %s', (name, key) => {
    expect(parseSettingName(name)).toEqual({ ok: true, value: key });
  });

  it.each(['mobileData', 'wifi-only', ''])('refuses %j, naming the accepted keys', (name) => {
    const parsed = parseSettingName(name);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain('sync, mobile-data, unlimited-updates, only-when-charging, optimize-storage');
  });
});

describe('parseSettingValue', () => {
  it.each([
    ['on', true],
    ['ON', true],
    ['true', true],
    ['off', false],
    ['false', false],
    [' Off ', false],
  ])('%j -> %s', (text, value) => {
    expect(parseSettingValue(text)).toEqual({ ok: true, value });
  });

  it.each(['yes', '1', '', 'enabled'])('refuses %j', (text) => {
    expect(parseSettingValue(text)).toMatchObject({ ok: false, error: expect.stringContaining('on, off, true or false') });
  });
});

describe('formatSettings', () => {
  it('prints every setting, kebab-case, on/off, in a fixed order', () => {
    expect(formatSettings({ ...DEFAULT_SETTINGS, optimizeStorage: true }).split('\n')).toEqual([
      'sync                on',
      'mobile-data         on',
      'unlimited-updates   off',
      'only-when-charging  off',
      'optimize-storage    on',
    ]);
  });

  it('prints one setting', () => {
    expect(formatSettings(DEFAULT_SETTINGS, 'mobileData')).toBe('mobile-data         on');
  });
});

describe('settingsFromJson (the cached copy)', () => {
  it.each([
    ['nothing cached', undefined, DEFAULT_SETTINGS],
    ['damaged', '{not json', DEFAULT_SETTINGS],
    ['partial', '{"sync":false}', { ...DEFAULT_SETTINGS, sync: false }],
    ['wrong types ignored', '{"sync":"off","mobileData":false}', { ...DEFAULT_SETTINGS, mobileData: false }],
    ['null', 'null', DEFAULT_SETTINGS],
  ])('%s', (_name, text, expected) => {
    expect(settingsFromJson(text)).toEqual(expected);
  });
});
