import { settingsFromJson } from '../policy/settings.js';
import type { DeviceSettings } from '../policy/world.js';
import type { Db } from './database.js';

export interface Login {
  server: string;
  token: string;
  accountId: string;
  deviceId: string;
  email: string;
}

/** Single values of the device: the login, the bound folder, the journal cursor, the pause. */
export class MetaRepository {
  constructor(private readonly db: Db) {}

  get(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
  }

  login(): Login | undefined {
    const raw = this.get('login');
    return raw ? (JSON.parse(raw) as Login) : undefined;
  }

  setLogin(login: Login): void {
    this.set('login', JSON.stringify(login));
  }

  /** Signup remembers the server so `login` can omit it. */
  server(): string | undefined {
    return this.login()?.server ?? this.get('server');
  }

  folder(): string | undefined {
    return this.get('folder');
  }

  bindFolder(folder: string): void {
    this.set('folder', folder);
  }

  cursor(): number {
    return Number(this.get('cursor') ?? 0);
  }

  setCursor(cursor: number): void {
    this.set('cursor', String(cursor));
  }

  /** Epoch ms until which sync is paused; Infinity for "until resumed"; 0 when running. */
  pausedUntil(now = Date.now()): number {
    const raw = this.get('paused_until');
    if (!raw) return 0;
    const until = raw === 'forever' ? Infinity : Number(raw);
    return until > now ? until : 0;
  }

  setPausedUntil(until: number): void {
    if (until === 0) this.delete('paused_until');
    else this.set('paused_until', until === Infinity ? 'forever' : String(until));
  }

  /** The device settings as last read from the server (so the agent works offline with them). */
  settings(): DeviceSettings {
    return settingsFromJson(this.get('settings'));
  }

  setSettings(settings: DeviceSettings): void {
    this.set('settings', JSON.stringify(settings));
  }

  /** "Sync Now": epoch ms until which waiting rules (mobile-data size limit, power) are lifted; 0 when none. */
  overrideUntil(now = Date.now()): number {
    const until = Number(this.get('override_until') ?? 0);
    return until > now ? until : 0;
  }

  setOverrideUntil(until: number): void {
    if (until === 0) this.delete('override_until');
    else this.set('override_until', String(until));
  }

  /** The last hybrid-logical-clock timestamp this device issued: the clock never goes back from it. */
  lastHlc(): string | undefined {
    return this.get('hlc');
  }

  setLastHlc(hlc: string): void {
    this.set('hlc', hlc);
  }

  /** Who delivers the metadata outbox now (a running agent or a command), and until when. */
  outboxLease(): { owner: string; until: number } | undefined {
    const raw = this.get('outbox_lease');
    return raw ? (JSON.parse(raw) as { owner: string; until: number }) : undefined;
  }

  setOutboxLease(lease: { owner: string; until: number } | undefined): void {
    if (lease) this.set('outbox_lease', JSON.stringify(lease));
    else this.delete('outbox_lease');
  }
}
