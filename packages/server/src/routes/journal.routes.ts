import { JournalPage, JournalQuery, ROUTES } from '@skyroll/protocol';
import { z } from 'zod';
import { auth } from '../http/hooks.js';
import type { JournalEventStreams } from '../http/sse.js';
import type { JournalService } from '../services/journal.service.js';
import type { Api } from './route-types.js';

export function journalRoutes(app: Api, journal: JournalService, streams: JournalEventStreams): void {
  app.get(ROUTES.journal, { schema: { tags: ['journal'], querystring: JournalQuery, response: { 200: JournalPage } } }, async (req) =>
    journal.page(auth(req), req.query.after, req.query.limit),
  );
  app.get(
    ROUTES.events,
    {
      config: { tokenInQuery: true },
      schema: { tags: ['journal'], response: { 200: z.string().describe('text/event-stream: `journal`, `settings`, `device` and `account` events') } },
    }, async (req, reply) =>
    streams.stream(req, reply, auth(req)),
  );
}
