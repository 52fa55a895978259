import { randomUUID } from 'node:crypto';
import { InProcessEventBus, type AccountEvent, type AccountEventListener, type EventBus, type HeadListener } from './event-bus.js';
import type { PgSession, PgSessionLog } from './pg-session.js';

export const EVENTS_CHANNEL = 'skyroll_events';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; the rest is room for the wrapping. */
const MAX_PAYLOAD_BYTES = 7900;
const PART_BYTES = 7000;

/** What crosses between replicas: one poke of one account. */
type Poke = { replica: string; accountId: string } & ({ kind: 'head'; head: number } | { kind: 'event'; event: AccountEvent });
/** One part of a poke too large for one NOTIFY (base64 of its JSON). */
type Part = { replica: string; part: { id: string; index: number; count: number; data: string } };

/**
 * The event bus of replicas sharing one PostgreSQL: every poke is delivered at once to this
 * replica's own subscribers (no round trip for devices connected here), and NOTIFYed on one
 * channel; each other replica delivers it to its subscribers when the notification arrives, and
 * a replica ignores its own (they carry its id), so nothing is delivered twice.
 *
 * Notifications sent while this replica's session was down are lost: when it is back, every
 * head listener is told to read its head again (devices pull the journal once), and the event
 * streams send `event: resync`, so devices read again what other pokes carry (settings, health,
 * storage, media).
 */
export class PgEventBus implements EventBus {
  private readonly local = new InProcessEventBus();
  readonly replica = randomUUID();
  private readonly parts = new Map<string, string[]>();

  constructor(
    private readonly session: PgSession,
    private readonly log?: PgSessionLog,
  ) {
    session.listen(EVENTS_CHANNEL, (payload) => this.receive(payload));
    session.onReconnect(() => {
      this.parts.clear();
      this.local.resync();
    });
  }

  publishHead(accountId: string, head: number): void {
    this.local.publishHead(accountId, head);
    this.send({ replica: this.replica, accountId, kind: 'head', head });
  }

  subscribeHead(accountId: string, listener: HeadListener): () => void {
    return this.local.subscribeHead(accountId, listener);
  }

  publish(accountId: string, event: AccountEvent): void {
    this.local.publish(accountId, event);
    this.send({ replica: this.replica, accountId, kind: 'event', event });
  }

  subscribe(accountId: string, listener: AccountEventListener): () => void {
    return this.local.subscribe(accountId, listener);
  }

  private send(poke: Poke): void {
    const json = JSON.stringify(poke);
    if (Buffer.byteLength(json) <= MAX_PAYLOAD_BYTES) return this.session.notify(EVENTS_CHANNEL, [json]);
    // Rare (a health report with two long messages): sent in parts, all in one NOTIFY batch.
    const data = Buffer.from(json).toString('base64');
    const id = randomUUID();
    const count = Math.ceil(data.length / PART_BYTES);
    const parts = Array.from({ length: count }, (_, index) =>
      JSON.stringify({ replica: this.replica, part: { id, index, count, data: data.slice(index * PART_BYTES, (index + 1) * PART_BYTES) } } satisfies Part),
    );
    this.session.notify(EVENTS_CHANNEL, parts);
  }

  private receive(payload: string): void {
    let message: Poke | Part;
    try {
      message = JSON.parse(payload) as Poke | Part;
    } catch (err) {
      this.log?.warn({ err }, 'unreadable notification');
      return;
    }
    if (message.replica === this.replica) return;
    if ('part' in message) {
      const whole = this.assemble(message);
      if (whole) this.receive(whole);
      return;
    }
    if (message.kind === 'head') this.local.publishHead(message.accountId, message.head);
    else this.local.publish(message.accountId, message.event);
  }

  /** The whole poke once its last part arrived (the parts of one poke arrive together, in order). */
  private assemble({ replica, part }: Part): string | undefined {
    const key = `${replica}/${part.id}`;
    const received = this.parts.get(key) ?? [];
    received[part.index] = part.data;
    if (received.filter((d) => d !== undefined).length < part.count) {
      this.parts.set(key, received);
      return undefined;
    }
    this.parts.delete(key);
    return Buffer.from(received.join(''), 'base64').toString();
  }
}
