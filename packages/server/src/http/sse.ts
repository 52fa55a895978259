import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../services/auth.service.js';
import type { EventBus } from '../events/event-bus.js';
import type { JournalService } from '../services/journal.service.js';

/**
 * The poke channel: Server-Sent Events telling a device the journal head moved (`journal`), a
 * device's settings changed (`settings`), a device reported new health (`device`), the account's
 * storage changed (`account`) or an original's thumbnail and preview were made or failed (`media`). A device signed out loses its streams at once. An idle
 * device costs two subscriptions and one timer, nothing per change it is not told about.
 */
export class JournalEventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly journal: JournalService,
    private readonly events: EventBus,
    private readonly pingMs: number,
  ) {}

  async stream(request: FastifyRequest, reply: FastifyReply, auth: Auth): Promise<void> {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.open.add(res);
    let sent = -1;
    const send = (head: number) => {
      if (head <= sent || res.destroyed) return;
      sent = head;
      res.write(`event: journal\ndata: ${JSON.stringify({ head })}\n\n`);
    };
    const reread = () =>
      this.journal.head(auth).then(send, (err: unknown) => request.log.warn({ err }, 'reading the journal head failed'));
    // Subscribe before reading the head, so no advance can slip between the two. No head: pokes
    // may have been missed (replicas lost touch a moment), so read it again.
    // Other pokes (settings, health, storage, media) may have been missed too: the client reads them again.
    const resync = () => {
      if (!res.destroyed) res.write(`event: resync\ndata: {}\n\n`);
    };
    const unsubscribe = this.journal.watchHead(auth, (head) => (head === undefined ? (resync(), void reread()) : send(head)));
    const unsubscribeEvents = this.events.subscribe(auth.accountId, (event) => {
      if (res.destroyed) return;
      // Not a poke: the token stops working now, so does its stream (the reconnect hears 401 revoked).
      if (event.type === 'revoked') {
        if (event.data.deviceId === auth.deviceId) res.end();
        return;
      }
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), this.pingMs);
    ping.unref();
    const close = () => {
      clearInterval(ping);
      unsubscribe();
      unsubscribeEvents();
      this.open.delete(res);
    };
    request.raw.once('close', close);
    res.once('close', close);
    send(await this.journal.head(auth));
  }

  /** Ends every stream, so the server can close; clients reconnect (to another replica). */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
