import fsp from 'node:fs/promises';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { destination, pino, type Logger } from 'pino';
import { SKYROLL_VERSION } from '@skyroll/protocol';
import type { ServerConfig } from './config.js';
import { migrateToLatest, openSqliteDatabase } from './db/database.js';
import { InProcessEventBus } from './events/event-bus.js';
import { registerErrorHandling } from './http/errors.js';
import { registerRequestHooks } from './http/hooks.js';
import { JournalEventStreams } from './http/sse.js';
import { TusEndpoint } from './http/tus.js';
import { Repositories } from './repositories/repositories.js';
import { accountRoutes } from './routes/account.routes.js';
import { assetRoutes } from './routes/asset.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { journalRoutes } from './routes/journal.routes.js';
import { serverRoutes } from './routes/server.routes.js';
import type { Api } from './routes/route-types.js';
import { uploadRoutes } from './routes/upload.routes.js';
import { AccountService } from './services/account.service.js';
import { AssetService } from './services/asset.service.js';
import { AuthService } from './services/auth.service.js';
import { JournalService } from './services/journal.service.js';
import { TrashService } from './services/trash.service.js';
import { UploadService } from './services/upload.service.js';
import { FsBlobStore } from './stores/fs-blob-store.js';
import { UploadStore } from './stores/upload-store.js';

export function createLogger(level: string): Logger {
  // JSON on stderr: stdout carries only the "listening" line scripts parse.
  return pino({ level, base: { service: 'skyroll-server' } }, destination(2));
}

/** Builds the whole server on one data folder (embedded default: SQLite + originals on disk). */
export async function buildApp(config: ServerConfig, logger: Logger = createLogger(config.logLevel)): Promise<Api> {
  for (const dir of Object.values(config.paths)) {
    if (dir !== config.paths.database) await fsp.mkdir(dir, { recursive: true });
  }
  const db = openSqliteDatabase(config.paths.database);
  await migrateToLatest(db);

  const repos = new Repositories(db);
  const blobStore = new FsBlobStore(config.paths.originals, config.paths.tmp);
  await blobStore.init();
  const uploadStore = new UploadStore(config.paths.uploads);
  const events = new InProcessEventBus();

  const authService = new AuthService(repos, { plan: config.defaultPlan, quotaBytes: config.defaultQuotaBytes });
  const journal = new JournalService(repos, events);
  const assets = new AssetService(repos, journal, blobStore);
  const trash = new TrashService(repos, journal);
  const uploads = new UploadService(repos, uploadStore, blobStore, logger.child({ component: 'uploads' }));
  const streams = new JournalEventStreams(journal, config.eventsPingMs);

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
  registerErrorHandling(app);
  // An empty body sent as JSON (a client's default header on a bodiless POST) is no body.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    body.length === 0 ? done(null, undefined) : parseJson(req, body.toString(), done),
  );
  registerRequestHooks(app, authService);
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url.split('?')[0], status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  const tus = new TusEndpoint(uploads, uploadStore, app.log.child({ component: 'tus' }));
  serverRoutes(app);
  authRoutes(app, authService, config.loginRateLimit);
  accountRoutes(app, new AccountService(repos));
  assetRoutes(app, assets, trash);
  journalRoutes(app, journal, streams);
  uploadRoutes(app, tus);

  app.addHook('preClose', async () => streams.closeAll());
  app.addHook('onClose', async () => db.destroy());

  await uploads.recover();
  return app;
}
