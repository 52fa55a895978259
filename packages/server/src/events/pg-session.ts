import pg from 'pg';

/** What the session reports: connection lost and regained (pino's shape). */
export interface PgSessionLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PgSessionOptions {
  log?: PgSessionLog;
  /** First reconnect delay; doubled per failed attempt up to maxBackoffMs (with jitter). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * A LISTEN-only connection sends nothing, so a silently dead one (a network cut, a frozen
   * database host) would go unnoticed for hours of TCP timeouts: it is pinged this often, and one
   * that does not answer within the same time is replaced.
   */
  heartbeatMs?: number;
}

type NotificationHandler = (payload: string) => void;

const CHANNEL = /^[a-z_][a-z0-9_]*$/;
const silent: PgSessionLog = { info: () => {}, warn: () => {} };

/**
 * This replica's own PostgreSQL session: it LISTENs for the other replicas' notifications and
 * holds this replica's advisory locks, so both end with it (a dead replica's locks vanish with its
 * connection). Lost, it reconnects with backoff; the `onLoss` hooks run at once (its locks are
 * gone), the `onReconnect` hooks once it is back (notifications sent in between are gone too).
 *
 * NOTIFY goes through a small pool instead, one statement per batch: what one replica sends
 * arrives in the order sent, and the parts of one message in one transaction, so together.
 */
export class PgSession {
  private client: pg.Client | undefined;
  private generationCount = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  private listening: Promise<unknown> = Promise.resolve();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly channels = new Map<string, Set<NotificationHandler>>();
  private readonly lossHooks = new Set<() => void>();
  private readonly reconnectHooks = new Set<() => void>();
  private readonly pool: pg.Pool;
  private outbox: Array<{ channel: string; payload: string }> = [];
  private sending: Promise<void> | undefined;
  private readonly log: PgSessionLog;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  private constructor(
    private readonly url: string,
    options: PgSessionOptions,
  ) {
    this.log = options.log ?? silent;
    this.backoffMs = options.backoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    // Kept open when idle (pg closes idle clients after 10 s by default): a poke after a quiet
    // minute should not wait for a new connection.
    this.pool = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 0, application_name: 'skyroll-notify' });
    // An idle pooled client whose connection dies is discarded by the pool; this only keeps the error from crashing us.
    this.pool.on('error', (err) => this.log.warn({ err }, 'notify connection lost'));
    const heartbeatMs = options.heartbeatMs ?? 10_000;
    this.heartbeat = setInterval(() => void this.ping(heartbeatMs), heartbeatMs).unref();
  }

  /** Connects (the first time must succeed: a server that cannot reach its database does not start). */
  static async open(url: string, options: PgSessionOptions = {}): Promise<PgSession> {
    const session = new PgSession(url, options);
    try {
      await session.connect();
      await session.pool.query('SELECT 1');
    } catch (err) {
      await session.close();
      throw err;
    }
    return session;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Changes at every (re)connection: what was held on an earlier generation is gone. */
  get generation(): number {
    return this.generationCount;
  }

  /** Calls handler with the payload of every notification on channel (this replica's own included). */
  listen(channel: string, handler: NotificationHandler): void {
    if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
    let handlers = this.channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.channels.set(channel, handlers);
      const client = this.client;
      if (client) {
        const listening = client.query(`LISTEN ${channel}`).catch((err: unknown) => this.lost(client, err));
        this.listening = Promise.all([this.listening, listening]);
      }
    }
    handlers.add(handler);
  }

  /** Resolves once every channel given to listen() is listened to: from then on nothing sent on them is missed. */
  async ready(): Promise<void> {
    await this.listening;
  }

  onLoss(hook: () => void): void {
    this.lossHooks.add(hook);
  }

  onReconnect(hook: () => void): void {
    this.reconnectHooks.add(hook);
  }

  /** A query on the session itself (advisory locks); fails at once while it is down. */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    const client = this.client;
    if (!client) throw new Error('not connected to PostgreSQL (reconnecting)');
    return client.query<R>(text, values);
  }

  /** Queues payloads (each under 8000 bytes) for channel; they leave with the next batch, in order. */
  notify(channel: string, payloads: string[]): void {
    if (this.closed) return;
    for (const payload of payloads) this.outbox.push({ channel, payload });
    this.sending ??= this.flush();
  }

  /** Ends the session (its locks with it) once what was queued for NOTIFY has left. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.end();
    return this.closing;
  }

  private async end(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    // A connection to a database that vanished may never confirm its end: shutdown does not wait for it.
    await atMost(2000, client?.end());
    await atMost(2000, this.sending);
    await atMost(2000, this.pool.end());
  }

  /** Sends the outbox, batch after batch, until it is empty (always awaits before it ends). */
  private async flush(): Promise<void> {
    try {
      do {
        const batch = this.outbox;
        this.outbox = [];
        try {
          // One statement, one transaction: delivered together, in this order (pg_notify is
          // volatile, so it runs after the sort).
          await this.pool.query(
            'SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(c, p, n) ORDER BY n',
            [batch.map((m) => m.channel), batch.map((m) => m.payload)],
          );
        } catch (err) {
          // Pokes are hints, not data: the other replicas' devices see the change at their next pull.
          this.log.warn({ err, notifications: batch.length }, 'notify failed');
        }
      } while (this.outbox.length > 0);
    } finally {
      // In the same step as the last look at the outbox: nothing queued in between is left behind.
      this.sending = undefined;
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: 'skyroll-replica' });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (client === this.client) this.deliver(message);
    });
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.generationCount++;
  }

  private deliver(message: pg.Notification): void {
    for (const handler of this.channels.get(message.channel) ?? []) {
      try {
        handler(message.payload ?? '');
      } catch (err) {
        this.log.warn({ err, channel: message.channel }, 'notification handler failed');
      }
    }
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.generationCount++;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.log.warn({ err }, 'PostgreSQL session lost; reconnecting');
    for (const hook of this.lossHooks) hook();
    this.reconnect(0);
  }

  private reconnect(attempt: number): void {
    const delay = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** attempt) * (0.5 + Math.random() / 2);
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => {
          if (this.closed) return;
          this.log.info({ attempts: attempt + 1 }, 'PostgreSQL session back');
          for (const hook of this.reconnectHooks) hook();
        },
        (err: unknown) => {
          if (this.closed) return;
          if (attempt === 0) this.log.warn({ err }, 'PostgreSQL unreachable; still trying');
          this.reconnect(attempt + 1);
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private async ping(timeoutMs: number): Promise<void> {
    const client = this.client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('SELECT 1'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs))),
      ]);
    } catch (err) {
      this.lost(client, err);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Waits for promise (its failure ignored), but not longer than ms. */
async function atMost(ms: number, promise: Promise<unknown> | undefined): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
