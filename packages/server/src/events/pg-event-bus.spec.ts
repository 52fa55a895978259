import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountEvent } from './event-bus.js';
import { MEDIA_POKE_MAX_IDS } from '../services/preview.service.js';
import { PgEventBus } from './pg-event-bus.js';
import { PgSession } from './pg-session.js';
import { createTestDatabase, type TestDatabase } from '../testing/postgres.js';

/** Two replicas: each its own session and bus, on one database. */
describe('PgEventBus (two replicas on one PostgreSQL)', () => {
  let database: TestDatabase;
  let sessions: PgSession[] = [];
  let one: PgEventBus;
  let two: PgEventBus;

  beforeAll(async () => {
    database = await createTestDatabase('event_bus');
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function replica(): Promise<PgEventBus> {
    const session = await PgSession.open(database.url, { backoffMs: 20, maxBackoffMs: 200 });
    sessions.push(session);
    const bus = new PgEventBus(session);
    await session.ready();
    return bus;
  }

  afterEach(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    sessions = [];
  });

  /** Resolves with [value, ms since `from`] at the listener's first call. */
  function first<T>(subscribe: (listener: (value: T) => void) => () => void, from: () => number): Promise<[T, number]> {
    return new Promise((resolve) => {
      const off = subscribe((value) => {
        off();
        resolve([value, performance.now() - from()]);
      });
    });
  }

  const settings = (deviceId: string): AccountEvent => ({
    type: 'settings',
    data: { deviceId, settings: { sync: true, mobileData: false, unlimitedUpdates: false, onlyWhenCharging: false, optimizeStorage: false } },
  });

  it('delivers a head poke and an account event to the subscribers of both replicas within 1 s, once each', async () => {
    [one, two] = [await replica(), await replica()];
    const account = randomUUID();
    let sentAt = 0;
    const at = () => sentAt;
    const heads = [first<number | undefined>((l) => one.subscribeHead(account, l), at), first<number | undefined>((l) => two.subscribeHead(account, l), at)];
    const events = [first<AccountEvent>((l) => one.subscribe(account, l), at), first<AccountEvent>((l) => two.subscribe(account, l), at)];
    const seenOnOne: unknown[] = [];
    one.subscribeHead(account, (head) => seenOnOne.push(head));
    one.subscribe(account, (event) => seenOnOne.push(event.type));

    sentAt = performance.now();
    one.publishHead(account, 7);
    one.publish(account, settings('device-1'));
    const [[headHere, headHereMs], [headThere, headThereMs]] = await Promise.all(heads);
    const [[eventHere], [eventThere, eventThereMs]] = await Promise.all(events);

    expect([headHere, headThere]).toEqual([7, 7]);
    expect(eventHere).toEqual(settings('device-1'));
    expect(eventThere).toEqual(settings('device-1'));
    expect(headHereMs).toBeLessThan(5); // its own subscribers: at once, no round trip
    expect(headThereMs).toBeLessThan(1000);
    expect(eventThereMs).toBeLessThan(1000);
    console.info(`poke latency between replicas: head ${headThereMs.toFixed(1)} ms, event ${eventThereMs.toFixed(1)} ms`);

    // Its own notifications coming back are not delivered a second time.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seenOnOne).toEqual([7, 'settings']);

    // Warm (the notify connection open): one poke after another.
    const latencies: number[] = [];
    for (let head = 8; head < 58; head++) {
      sentAt = performance.now();
      const arrived = first<number | undefined>((l) => two.subscribeHead(account, l), at);
      one.publishHead(account, head);
      const [value, ms] = await arrived;
      expect(value).toBe(head);
      latencies.push(ms);
    }
    latencies.sort((a, b) => a - b);
    expect(latencies.at(-1)).toBeLessThan(1000);
    console.info(`50 head pokes between replicas: median ${latencies[25].toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
  });

  it('keeps every account to itself, and stops after unsubscribe', async () => {
    [one, two] = [await replica(), await replica()];
    const [alice, bob] = [randomUUID(), randomUUID()];
    const bobSaw: unknown[] = [];
    two.subscribeHead(bob, (head) => bobSaw.push(head));
    two.subscribe(bob, (event) => bobSaw.push(event));
    const aliceSaw: unknown[] = [];
    const offHead = two.subscribeHead(alice, (head) => aliceSaw.push(head));
    const offEvents = two.subscribe(alice, (event) => aliceSaw.push(event.type));

    one.publishHead(alice, 1);
    one.publish(alice, settings('a'));
    await until(() => aliceSaw.length === 2);
    offHead();
    offEvents();
    one.publishHead(alice, 2);
    one.publish(alice, settings('a'));
    // A marker after them: once bob has it, alice's second pokes have been through too.
    one.publishHead(bob, 1);
    await until(() => bobSaw.length === 1);
    expect(bobSaw).toEqual([1]);
    expect(aliceSaw).toEqual([1, 'settings']);
  });

  it('carries a media poke with the most asset ids it lists in one NOTIFY', async () => {
    [one, two] = [await replica(), await replica()];
    const account = randomUUID();
    const event: AccountEvent = {
      type: 'media',
      data: {
        assetIds: Array.from({ length: MEDIA_POKE_MAX_IDS }, () => randomUUID()),
        media: 'ready',
        thumbhash: 'HBkSHYSIeHiPiHh8eJd4eTN0EEQG',
        durationMs: null,
      },
    };
    expect(Buffer.byteLength(JSON.stringify({ replica: one.replica, accountId: account, kind: 'event', event }))).toBeLessThan(7900);
    const seen: AccountEvent[] = [];
    two.subscribe(account, (e) => seen.push(e));
    one.publish(account, event);
    await until(() => seen.length === 1);
    expect(seen).toEqual([event]);
  });

  it('carries a poke too large for one NOTIFY (8000 bytes) whole, in parts', async () => {
    [one, two] = [await replica(), await replica()];
    const account = randomUUID();
    const long = '写'.repeat(2000); // 6000 bytes of UTF-8, twice
    const event: AccountEvent = {
      type: 'device',
      data: {
        deviceId: 'd',
        health: {
          agentVersion: '1',
          protocol: 1,
          synced: 1,
          pending: 2,
          blocked: 3,
          failed: 0,
          uploads: 0,
          downloads: 0,
          pendingBytes: 0,
          reason: 'mobile-data',
          detail: long,
          lastError: { at: 1, message: long },
          lastProgressAt: null,
          reportedAt: 2,
          stale: false,
        },
      },
    };
    const received = first<AccountEvent>((l) => two.subscribe(account, l), () => 0);
    one.publish(account, event);
    expect((await within(received))[0]).toEqual(event);
  });

  it('sends what was published before close() (skyroll admin publishes, then exits)', async () => {
    [one, two] = [await replica(), await replica()];
    const account = randomUUID();
    const received = first<number | undefined>((l) => two.subscribeHead(account, l), () => 0);
    one.publishHead(account, 3);
    await sessions[0].close();
    expect((await within(received))[0]).toBe(3);
  });

  it('comes back after its listening connection is killed: head listeners re-read, delivery resumes', async () => {
    [one, two] = [await replica(), await replica()];
    const account = randomUUID();
    const heads: Array<number | undefined> = [];
    two.subscribeHead(account, (head) => heads.push(head));
    one.publishHead(account, 1);
    await until(() => heads.length === 1);

    const killed = await terminate(sessions[1]);
    expect(killed).toBe(true);
    // Back: what was sent meanwhile is lost, so every head listener is told to read again.
    await until(() => heads.length === 2, 5000);
    expect(heads).toEqual([1, undefined]);
    expect(sessions[1].connected).toBe(true);

    one.publishHead(account, 2);
    await until(() => heads.length === 3);
    expect(heads).toEqual([1, undefined, 2]);
  });

  /** pg_terminate_backend on the session's connection, as an administrator (or a failover) would. */
  async function terminate(session: PgSession): Promise<boolean> {
    const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', []);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const result = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [rows[0].pid]);
      return result.rows[0].ok;
    } finally {
      await admin.end();
    }
  }
});

function within<T>(promise: Promise<T>, ms = 2000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms))]);
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
