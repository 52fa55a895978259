import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { destination, pino, type Logger } from 'pino';
import { HybridClock, SKYROLL_VERSION } from '@skyroll/protocol';
import type { ServerConfig } from './config.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { createEventBus } from './events/create-event-bus.js';
import { JobQueue, PRUNE_JOBS_JOB } from './jobs/job-queue.js';
import { registerApiDocs } from './http/api-docs.js';
import { ConnectionTracker } from './http/connections.js';
import { registerErrorHandling } from './http/errors.js';
import { registerRequestHooks } from './http/hooks.js';
import { JournalEventStreams } from './http/sse.js';
import { TusEndpoint } from './http/tus.js';
import { findWebApp, registerWebApp, webAppFallback } from './http/web-app.js';
import { Repositories } from './repositories/repositories.js';
import { accountRoutes } from './routes/account.routes.js';
import { albumRoutes } from './routes/album.routes.js';
import { assetRoutes } from './routes/asset.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { deviceRoutes } from './routes/device.routes.js';
import { journalRoutes } from './routes/journal.routes.js';
import { metadataRoutes } from './routes/metadata.routes.js';
import { serverRoutes } from './routes/server.routes.js';
import type { Api } from './routes/route-types.js';
import { timelineRoutes } from './routes/timeline.routes.js';
import { mediaRoutes } from './routes/media.routes.js';
import { uploadRoutes } from './routes/upload.routes.js';
import { AccountService } from './services/account.service.js';
import { AlbumService } from './services/album.service.js';
import { AssetMetadataService } from './services/asset-metadata.service.js';
import { AssetService } from './services/asset.service.js';
import { AuthService } from './services/auth.service.js';
import { DeviceService } from './services/device.service.js';
import { JournalService } from './services/journal.service.js';
import { AssetInfoService } from './services/media/asset-info.service.js';
import { MediaDetailsService } from './services/media/media-details.service.js';
import { PreviewService } from './services/preview.service.js';
import { TimelineService } from './services/timeline.service.js';
import { TRASH_SWEEP_JOB, TrashService } from './services/trash.service.js';
import { UploadService } from './services/upload.service.js';
import { createBlobStore } from './stores/create-blob-store.js';
import { UploadStore } from './stores/upload-store.js';

export function createLogger(level: string): Logger {
  // JSON on stderr: stdout carries only the "listening" line scripts parse.
  return pino({ level, base: { service: 'skyroll-server' } }, destination(2));
}

/** Builds the whole server on one data folder (embedded default: SQLite + originals on disk). */
export async function buildApp(config: ServerConfig, logger: Logger = createLogger(config.logLevel)): Promise<Api> {
  for (const dir of [config.paths.uploads, config.paths.tmp]) await fsp.mkdir(dir, { recursive: true });
  // The blob store first: a bucket that cannot be reached stops the start before the database opens.
  const blobStore = await createBlobStore(config.blobs, config.paths.tmp);
  const db = await openDatabase(config.database);
  await migrateToLatest(db);

  const repos = new Repositories(db);
  // Pokes, and the locks of unfinished uploads: in-process, or shared with the other replicas.
  const events = await createEventBus(config.database, logger.child({ component: 'events' }));
  const uploadStore = new UploadStore(config.paths.uploads, config.uploadExpiryMs, events.uploadLocker);

  const { clock, plans } = config;
  const jobs = new JobQueue(repos, config.jobs, clock, logger.child({ component: 'jobs' }));
  const authService = new AuthService(repos, events, { plan: config.defaultPlan, quotaBytes: config.defaultQuotaBytes }, clock);
  const journal = new JournalService(repos, events, clock);
  const accounts = new AccountService(repos, events, plans);
  const assets = new AssetService(repos, journal, blobStore, jobs, plans, clock);
  // One clock orders every metadata change this process stamps after all it was sent (see lww.ts).
  const hlc = new HybridClock('server', clock);
  const metadata = new AssetMetadataService(repos, journal, hlc, clock);
  const albums = new AlbumService(repos, journal, hlc, clock);
  const trash = new TrashService(repos, journal, blobStore, accounts, { retentionMs: config.trashRetentionMs, sweepMs: config.trashSweepMs }, clock);
  const previews = new PreviewService(repos, blobStore, config.paths.tmp, clock, events, logger.child({ component: 'media' }));
  const uploads = new UploadService(repos, uploadStore, blobStore, logger.child({ component: 'uploads' }), plans);
  const streams = new JournalEventStreams(journal, events, config.eventsPingMs);
  previews.attach(jobs);
  new MediaDetailsService(repos, blobStore, config.paths.tmp).attach(jobs);
  jobs.register(TRASH_SWEEP_JOB, () => trash.sweep());
  jobs.register(PRUNE_JOBS_JOB, () => jobs.pruneFinished());
  const adminToken = randomBytes(32).toString('base64url');

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    // One debug line per response (onResponse below) instead of two info lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    // On shutdown, requests in flight finish; new ones get 503 and retry (elsewhere).
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: { info: { title: 'Skyroll', version: SKYROLL_VERSION } },
    transform: jsonSchemaTransform,
  });
  await app.register(rateLimit, { global: false });
  // Parsed before the auth hook reads the browser's session from it.
  await app.register(cookie);
  const webApp = findWebApp(config.webDir);
  registerErrorHandling(app, webAppFallback(webApp));
  // An empty body sent as JSON (a client's default header on a bodiless POST) is no body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body.length === 0 ? done(null, undefined) : parseJson(req, body.toString(), done),
  );
  registerRequestHooks(app, authService, config.protocol);
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url.split('?')[0], status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  const connections = new ConnectionTracker(app.server);
  const tus = new TusEndpoint(uploads, uploadStore, app.log.child({ component: 'tus' }));
  serverRoutes(app, config.protocol, config.trashRetentionMs / 86_400_000);
  authRoutes(app, authService, config.loginRateLimit);
  accountRoutes(app, accounts, adminToken);
  deviceRoutes(app, new DeviceService(repos, events, clock));
  assetRoutes(app, assets, trash, previews);
  journalRoutes(app, journal, streams);
  uploadRoutes(app, tus);
  mediaRoutes(app, new AssetInfoService(repos, assets));
  metadataRoutes(app, metadata);
  albumRoutes(app, albums);
  timelineRoutes(app, new TimelineService(repos));
  await registerApiDocs(app);
  await registerWebApp(app, webApp);

  app.addHook('preClose', async () => {
    streams.closeAll();
    // A response that completes after close() began leaves its keep-alive connection idle, and
    // Node closes idle connections only once, at close(): sweep until the server has closed.
    const sweep = setInterval(() => {
      app.server.closeIdleConnections();
      connections.closeIdle();
    }, 50).unref();
    app.server.once('close', () => clearInterval(sweep));
  });
  const expireUploads = setInterval(
    () => uploadStore.deleteExpired().catch((err: unknown) => app.log.warn({ err }, 'expiring uploads failed')),
    3600_000,
  ).unref();
  // `skyroll admin` finds the running server (and may act on it) through DATA/server.json.
  app.addHook('onListen', async () => {
    const { port } = app.server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    await writeServerFile(config.serverFile, { url: `http://${host}:${port}`, pid: process.pid, adminToken });
  });
  app.addHook('onClose', async () => {
    clearInterval(expireUploads);
    await jobs.stop();
    await removeServerFile(config.serverFile, adminToken);
    await events.close();
    await db.destroy();
  });

  await uploads.recover();
  // The retention sweep runs at every start, then every trashSweepMs; jobs left by a dead server are retried.
  await jobs.ensureRecurring(TRASH_SWEEP_JOB, TRASH_SWEEP_JOB);
  await jobs.ensureRecurring(PRUNE_JOBS_JOB, PRUNE_JOBS_JOB);
  jobs.start();
  return app;
}

export interface ServerFile {
  url: string;
  pid: number;
  adminToken: string;
}

/** Written by rename, readable by the owner only: it holds the admin token. */
async function writeServerFile(file: string, content: ServerFile): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await fsp.chmod(tmp, 0o600);
  await fsp.rename(tmp, file);
}

/** Removes server.json unless another server has written its own since. */
async function removeServerFile(file: string, adminToken: string): Promise<void> {
  try {
    const current = JSON.parse(await fsp.readFile(file, 'utf8')) as Partial<ServerFile>;
    if (current.adminToken === adminToken) await fsp.rm(file, { force: true });
  } catch {
    // gone already, or not ours to judge
  }
}
