/**
 * Ingest benchmark for the scale-out engines: the same batch of photos uploaded by several
 * devices at once (`skyroll sync DIR --once` each) into
 *   1. the embedded default (one server, SQLite + a folder),
 *   2. one replica on PostgreSQL + S3 (s3rver),
 *   3. two replicas on PostgreSQL + S3 behind nginx (deploy/nginx/skyroll.conf),
 * beside `cp -r` of the same folders in the same run.
 *
 *   npm run bench:replicas                      # 4 devices × 50 photos × ~1 MB
 *   npm run bench:replicas -- --devices 4 --n 50 --size-mb 1
 */
import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { provisionPostgresS3, type ServerBackend } from '../test/support/backend.js';
import { Harness, REPO_ROOT, runCli, type Account, type Device, type SkyrollServer } from '../test/support/harness.js';
import { startNginx, type Nginx } from '../test/support/nginx.js';
import { writePhotos } from '../test/support/photos.js';

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: { devices: { type: 'string' }, n: { type: 'string' }, 'size-mb': { type: 'string' }, dir: { type: 'string' } },
  strict: true,
});
const DEVICES = Number(args.devices ?? process.env.BENCH_DEVICES ?? 4);
const N = Number(args.n ?? process.env.BENCH_N ?? 50);
const SIZE_MB = Number(args['size-mb'] ?? process.env.BENCH_SIZE_MB ?? 1);
const ROOT = args.dir ?? process.env.BENCH_DIR ?? join(REPO_ROOT, '.bench-tmp');

interface Row {
  setup: string;
  seconds: number;
  bytes: number;
  photos: number;
}

async function main(): Promise<void> {
  const h = new Harness({ root: ROOT });
  const backends: ServerBackend[] = [];
  const proxies: Nginx[] = [];
  const rows: Row[] = [];
  try {
    // Reference: cp -r of one device's folder worth of photos, for every device, at once.
    const refDevices = await folders(h, 'ref', 100);
    const started = performance.now();
    await Promise.all(refDevices.map(async (d) => run('cp', ['-r', d.dir, `${d.dir}-copy`])));
    await run('sync');
    rows.push({ setup: '`cp -r` (+ sync) of the same folders', seconds: (performance.now() - started) / 1000, bytes: sum(refDevices), photos: DEVICES * N });

    // 1. The embedded default.
    // Every setup runs with the same server settings (defaults: previews wait for ingest to go quiet).
    const embedded = await h.startServer();
    rows.push(await ingest(h, 'embedded: one server, SQLite + folder', embedded.url, embedded, 200));

    // 2. One replica on PostgreSQL + S3.
    const single = await provisionPostgresS3('bench_one');
    backends.push(single);
    const one = await h.startServer({ env: { ...single.env, SKYROLL_UPLOADS_DIR: await h.tempDir('uploads-one') }, backend: 'given' });
    rows.push(await ingest(h, 'one replica, PostgreSQL + S3', one.url, one, 300));

    // 3. Two replicas behind nginx on PostgreSQL + S3.
    const shared = await provisionPostgresS3('bench_two');
    backends.push(shared);
    const env = { ...shared.env, SKYROLL_UPLOADS_DIR: await h.tempDir('uploads-two') };
    const r1 = await h.startServer({ env, backend: 'given' });
    const r2 = await h.startServer({ env, backend: 'given' });
    const nginx = await startNginx(await h.tempDir('nginx'), [r1.url, r2.url]);
    proxies.push(nginx);
    rows.push(await ingest(h, 'two replicas behind nginx, PostgreSQL + S3', nginx.url, r1, 400));

    const ref = rows[0];
    const mbs = (r: Row) => r.bytes / 1e6 / r.seconds;
    console.log(`\n${DEVICES} devices × ${N} photos × ~${SIZE_MB} MB, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
    console.log('| setup | photos | seconds | MB/s | photos/s | vs cp |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      console.log(`| ${r.setup} | ${r.photos} | ${r.seconds.toFixed(1)} | ${mbs(r).toFixed(1)} | ${(r.photos / r.seconds).toFixed(1)} | ${(mbs(r) / mbs(ref)).toFixed(3)}× |`);
    }
  } finally {
    for (const p of proxies) await p.stop();
    await h.cleanup();
    for (const b of backends) await b.close();
  }
}

/** DEVICES folders of N photos each (distinct bytes per folder and per setup). */
async function folders(h: Harness, label: string, seed: number): Promise<{ dir: string; bytes: number }[]> {
  return Promise.all(
    Array.from({ length: DEVICES }, async (_, i) => {
      const dir = await h.tempDir(`${label}-${i}`);
      const photos = await writePhotos(dir, N, { targetBytes: SIZE_MB * 1e6, seed: seed + i, concurrency: 2 });
      return { dir, bytes: photos.reduce((s, p) => s + p.bytes.length, 0) };
    }),
  );
}

/** One account, DEVICES devices signed in at `url`, each uploading its folder with `sync --once`, all at once. */
async function ingest(h: Harness, setup: string, url: string, server: SkyrollServer, seed: number): Promise<Row> {
  const account: Account = await h.createAccount(server, 0, `bench${seed}`);
  const devices: Device[] = [];
  for (let i = 0; i < DEVICES; i++) devices.push(await h.addDevice({ url } as SkyrollServer, account, `D${i}`));
  let bytes = 0;
  for (const [i, d] of devices.entries()) {
    const photos = await writePhotos(d.syncDir, N, { targetBytes: SIZE_MB * 1e6, seed: seed + i, concurrency: 2 });
    bytes += photos.reduce((s, p) => s + p.bytes.length, 0);
  }
  console.error(`${setup}: uploading ${DEVICES * N} photos…`);
  const started = performance.now();
  const results = await Promise.all(devices.map((d) => runCli(['sync', d.syncDir, '--state', d.stateDir, '--once'], { timeoutMs: 900_000 })));
  const seconds = (performance.now() - started) / 1000;
  for (const r of results) if (r.code !== 0) throw new Error(`${setup}: sync --once exited ${r.code}\n${r.stderr.slice(-2000)}`);
  return { setup, seconds, bytes, photos: DEVICES * N };
}

function sum(list: { bytes: number }[]): number {
  return list.reduce((s, x) => s + x.bytes, 0);
}

await main();
