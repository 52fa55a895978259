import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS as TUS_ERRORS, Server } from '@tus/server';
import { NodeRequest, sendNodeResponse } from 'srvx/node';
import { ERRORS, ROUTES, SkyrollError, type ErrorBody, type ErrorCode } from '@skyroll/protocol';
import type { Auth } from '../services/auth.service.js';
import type { UploadService } from '../services/upload.service.js';
import type { UploadStore } from '../stores/upload-store.js';

/**
 * tus (resumable uploads) mounted inside Fastify: Fastify authenticates, then hands the raw
 * request to @tus/server. Every error leaves as the API's JSON ErrorBody, keeping tus's status.
 * The uploads' files and locks are the store's (a folder and a locker replicas can share), so a
 * request may land on any replica.
 */
export class TusEndpoint {
  private readonly server: Server;
  private readonly callers = new WeakMap<object, Auth>();

  constructor(
    private readonly uploads: UploadService,
    store: UploadStore,
    private readonly log: FastifyBaseLogger,
  ) {
    this.server = new Server({
      path: ROUTES.uploads,
      datastore: store.tus,
      // Between replicas, a PostgreSQL advisory lock per upload; in one process, tus's own.
      locker: store.locker,
      // Relative Location (`/api/uploads/<id>`): correct behind any proxy; clients resolve it.
      relativeLocation: true,
      namingFunction: (req) => uploads.newUploadId(this.caller(req)),
      onUploadCreate: async (req, upload) => {
        await uploads.validateCreate(this.caller(req), upload);
        return {};
      },
      onUploadFinish: async (req, upload) => {
        await uploads.finish(this.caller(req).accountId, upload);
        return {};
      },
      onResponseError: (_req, err) => {
        if (err instanceof SkyrollError) return { status_code: err.status, body: JSON.stringify(err.toBody()) };
        if (err === TUS_ERRORS.ERR_LOCK_TIMEOUT) return LOCKED;
        // tus's protocol errors carry a status below 500; anything else is ours and unexpected.
        if (!('status_code' in err) || err.status_code >= 500) this.log.error({ err }, 'upload request failed');
        return undefined;
      },
    });
  }

  async handle(request: FastifyRequest, reply: FastifyReply, auth: Auth | null, uploadId?: string): Promise<void> {
    // Another account's upload is as unknown as a missing one.
    if (auth && uploadId !== undefined && !this.uploads.ownsUpload(auth, uploadId)) throw new SkyrollError('NOT_FOUND');
    // All its bytes arrived but it was never verified (its replica died finishing it): a client
    // that resumes asks where it stands, and would take "complete" for stored. Finish it first.
    if (request.method === 'HEAD' && auth && uploadId !== undefined && request.headers['tus-resumable']) {
      let size: number | undefined;
      try {
        size = await this.uploads.finishIfComplete(auth.accountId, uploadId);
      } catch (err) {
        if (err !== TUS_ERRORS.ERR_LOCK_TIMEOUT) throw err;
        reply.code(LOCKED.status_code).header('content-type', 'application/json; charset=utf-8').send(LOCKED.body);
        return;
      }
      if (size !== undefined) {
        reply.code(200).headers(completeHeaders(size)).send();
        return;
      }
    }
    reply.hijack();
    try {
      const req = new NodeRequest({ req: request.raw, res: reply.raw });
      if (auth) this.callers.set(req, auth);
      const response = await this.server.handleWeb(req);
      await sendNodeResponse(reply.raw, await asErrorBody(response));
    } catch (err) {
      request.log.error({ err }, 'upload request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify(new SkyrollError('INTERNAL').toBody()));
      } else {
        reply.raw.destroy();
      }
    }
  }

  private caller(req: object): Auth {
    const auth = this.callers.get(req);
    if (!auth) throw new SkyrollError('UNAUTHORIZED');
    return auth;
  }
}

/**
 * The upload stayed locked by another request (of any replica) past the lock timeout. 423, not
 * tus's 500: tus-js-client answers a 5xx on its resuming HEAD by starting the upload over from
 * byte 0, and a 423 by trying again.
 */
const LOCKED = {
  status_code: ERRORS.UPLOAD_LOCKED.status,
  body: JSON.stringify(new SkyrollError('UPLOAD_LOCKED').toBody()),
};

/** What tus answers to HEAD on a complete upload (which, verified, is gone from tus's store). */
function completeHeaders(size: number): Record<string, string> {
  return {
    'tus-resumable': '1.0.0',
    'upload-offset': String(size),
    'upload-length': String(size),
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'Upload-Offset, Upload-Length, Tus-Resumable',
  };
}

/** tus's own errors are plain text ("Invalid offset"); give them the API's shape. */
async function asErrorBody(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text();
  let body: ErrorBody | undefined;
  try {
    const parsed = JSON.parse(text) as ErrorBody;
    if (parsed?.error?.code) body = parsed;
  } catch {
    // not JSON: wrapped below
  }
  body ??= { error: { code: codeForStatus(response.status), message: text.trim() || `HTTP ${response.status}` } };
  const headers = new Headers(response.headers);
  const json = JSON.stringify(body);
  headers.set('content-type', 'application/json; charset=utf-8');
  headers.set('content-length', String(Buffer.byteLength(json)));
  return new Response(json, { status: response.status, headers });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 423) return 'UPLOAD_LOCKED';
  if (status >= 500) return 'INTERNAL';
  return 'BAD_REQUEST';
}
