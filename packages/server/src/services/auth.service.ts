import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { SkyrollError } from '@skyroll/protocol';
import type { Clock } from '../config.js';
import type { EventBus } from '../events/event-bus.js';
import type { Repositories } from '../repositories/repositories.js';

/** last_seen_at is written at most this often per device: one write a minute, not one per request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

const REVOKED_MESSAGE = 'This device was signed out of the account';

/** Who is calling: a signed-in device of an account. Every library operation is scoped to it. */
export interface Auth {
  accountId: string;
  email: string;
  deviceId: string;
  deviceName: string;
}

export interface AccountDefaults {
  plan: string;
  quotaBytes: number;
}

/** OWASP's argon2id baseline (19 MiB, 2 passes): slow for an attacker, ~20 ms for us. */
const ARGON2 = { algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable here */ as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** Verified against when the email is unknown, so timing does not reveal which emails exist. */
let dummyHash: Promise<string> | undefined;

export class AuthService {
  constructor(
    private readonly repos: Repositories,
    private readonly events: EventBus,
    private readonly defaults: AccountDefaults,
    private readonly clock: Clock = Date.now,
  ) {}

  async signup(email: string, password: string): Promise<{ accountId: string; email: string }> {
    if (await this.repos.accounts.findByEmail(email)) throw new SkyrollError('EMAIL_TAKEN');
    const accountId = randomUUID();
    const passwordHash = await hash(password, ARGON2);
    try {
      await this.repos.accounts.create({
        id: accountId,
        email,
        password_hash: passwordHash,
        plan: this.defaults.plan,
        quota_bytes: this.defaults.quotaBytes,
        created_at: this.clock(),
      });
    } catch (err) {
      // Two signups racing for one email: the unique index decides.
      if (await this.repos.accounts.findByEmail(email)) throw new SkyrollError('EMAIL_TAKEN');
      throw err;
    }
    return { accountId, email };
  }

  /** Signs a new device in: an agent, or a browser session (`web`, see SESSION_COOKIE). */
  async login(email: string, password: string, deviceName: string, kind: 'agent' | 'web' = 'agent') {
    const account = await this.repos.accounts.findByEmail(email);
    if (!account) {
      await verify(await (dummyHash ??= hash('not a password', ARGON2)), password);
      throw new SkyrollError('INVALID_CREDENTIALS');
    }
    if (!(await verify(account.password_hash, password))) throw new SkyrollError('INVALID_CREDENTIALS');
    const token = randomBytes(32).toString('base64url');
    const deviceId = randomUUID();
    await this.repos.devices.create({
      id: deviceId,
      account_id: account.id,
      name: deviceName,
      kind,
      token_hash: hashToken(token),
      created_at: this.clock(),
      revoked_at: null,
    });
    return { accountId: account.id, email: account.email, deviceId, token };
  }

  /** Like revoking the device from another one: its token and its open event streams stop at once. */
  async logout(auth: Auth): Promise<void> {
    await this.repos.devices.revoke(auth.accountId, auth.deviceId, this.clock());
    this.events.publish(auth.accountId, { type: 'revoked', data: { deviceId: auth.deviceId } });
  }

  /**
   * The device a bearer token belongs to; UNAUTHORIZED when missing, unknown or revoked. Only the
   * token's holder learns it was revoked (and when): they can say "signed out" instead of "bad token".
   */
  async authenticate(token: string | undefined): Promise<Auth> {
    if (!token) throw new SkyrollError('UNAUTHORIZED');
    const device = await this.repos.devices.findByTokenHash(hashToken(token));
    if (!device) throw new SkyrollError('UNAUTHORIZED');
    if (device.revokedAt !== null) {
      throw new SkyrollError('UNAUTHORIZED', REVOKED_MESSAGE, { revoked: true, revokedAt: device.revokedAt });
    }
    const now = this.clock();
    if (device.lastSeenAt === null || now - device.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) {
      await this.repos.devices.touch(device.deviceId, now, LAST_SEEN_RESOLUTION_MS);
    }
    return { accountId: device.accountId, email: device.email, deviceId: device.deviceId, deviceName: device.deviceName };
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
