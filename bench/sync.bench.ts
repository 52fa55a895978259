/**
 * Sync benchmark: Skyroll's upload and download throughput against `cp -r` of the same folder on
 * the same disk in the same run, then the latency of one new photo from device A to device B
 * with both agents running.
 *
 *   npm run bench:sync                          # 500 photos × ~2 MB, 50 latency samples
 *   npm run bench:sync -- --n 50 --size-mb 2 --latency-n 20
 *   BENCH_N=50 BENCH_SIZE_MB=2 npm run bench:sync
 *
 * Options (or env): --n (BENCH_N), --size-mb (BENCH_SIZE_MB), --latency-n (BENCH_LATENCY_N),
 * --dir (BENCH_DIR, default ./.bench-tmp), --keep (BENCH_KEEP=1: keep the folders).
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { Harness, REPO_ROOT, hashFile, runCliOk, type Device } from '../test/support/harness.js';
import { writePhotos, type WrittenPhoto } from '../test/support/photos.js';

const run = promisify(execFile);

const { values: args } = parseArgs({
  options: {
    n: { type: 'string' },
    'size-mb': { type: 'string' },
    'latency-n': { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean' },
  },
  strict: true,
});

const N = Number(args.n ?? process.env.BENCH_N ?? 500);
const SIZE_MB = Number(args['size-mb'] ?? process.env.BENCH_SIZE_MB ?? 2);
const LATENCY_N = Number(args['latency-n'] ?? process.env.BENCH_LATENCY_N ?? 50);
const ROOT = args.dir ?? process.env.BENCH_DIR ?? join(REPO_ROOT, '.bench-tmp');
const KEEP = args.keep ?? process.env.BENCH_KEEP === '1';
const MB = 1e6;

interface Row {
  operation: string;
  seconds: number;
  bytes: number;
}

async function main(): Promise<void> {
  if (!(N > 0 && SIZE_MB > 0 && LATENCY_N >= 0)) throw new Error('--n and --size-mb must be positive, --latency-n ≥ 0');
  const h = new Harness({ root: ROOT });
  const stop = async (): Promise<void> => {
    if (KEEP) console.log(`kept the folders under ${ROOT}`);
    else await h.cleanup();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    await bench(h);
  } finally {
    if (!KEEP) await h.cleanup();
  }
}

async function bench(h: Harness): Promise<void> {
  log(`generating ${N} photos of ~${SIZE_MB} MB (varied EXIF) under ${ROOT} …`);
  const genStart = performance.now();
  const source = await h.tempDir('bench-source');
  const photos = await writePhotos(source, N, { targetBytes: SIZE_MB * 1024 * 1024, seed: 2024, subdir: 'DCIM' });
  const totalBytes = photos.reduce((sum, p) => sum + p.bytes.length, 0);
  log(`  ${N} photos, ${(totalBytes / MB).toFixed(1)} MB in ${secs(performance.now() - genStart)} s`);
  // Let the generated files reach the disk so neither measurement pays for the other's writes.
  await run('sync');

  const rows: Row[] = [];

  // ---- reference: cp -r of the same folder, same disk, same run ----
  const cpTarget = join(await h.tempDir('bench-cp'), 'copy');
  let t = performance.now();
  await run('cp', ['-r', source, cpTarget]);
  rows.push({ operation: 'cp -r (reference)', seconds: (performance.now() - t) / 1000, bytes: totalBytes });
  await rm(cpTarget, { recursive: true, force: true });
  t = performance.now();
  await run('sh', ['-c', 'cp -r "$0" "$1" && sync', source, cpTarget]);
  rows.push({ operation: 'cp -r && sync (reference, on disk)', seconds: (performance.now() - t) / 1000, bytes: totalBytes });
  await rm(cpTarget, { recursive: true, force: true });
  await run('sync');

  // ---- CLI start-up alone (tsx + imports), included in every `sync --once` below ----
  t = performance.now();
  await runCliOk(['--version']);
  const startupSeconds = (performance.now() - t) / 1000;

  // ---- Skyroll: upload A → server, download server → B ----
  const server = await h.startServer();
  const account = await h.createAccount(server, 0, 'bench');
  const a: Device = { ...(await h.addDevice(server, account, 'A')), syncDir: source };
  const b = await h.addDevice(server, account, 'B');
  log(`server ${server.url}; syncing A → server …`);
  t = performance.now();
  await h.syncOnceOk(a, [], { timeoutMs: 3_600_000 });
  rows.push({ operation: 'skyroll sync --once  A → server', seconds: (performance.now() - t) / 1000, bytes: totalBytes });
  log('syncing server → B …');
  t = performance.now();
  await h.syncOnceOk(b, [], { timeoutMs: 3_600_000 });
  rows.push({ operation: 'skyroll sync --once  server → B', seconds: (performance.now() - t) / 1000, bytes: totalBytes });
  const onB = await countFiles(b.syncDir);
  if (onB !== N) throw new Error(`B has ${onB} files after sync --once, expected ${N}`);

  // ---- latency: one photo at a time, A → B, both agents running ----
  let latencies: number[] = [];
  if (LATENCY_N > 0) latencies = await measureLatency(h, a, b);

  printReport(rows, latencies, totalBytes, startupSeconds);
}

async function measureLatency(h: Harness, a: Device, b: Device): Promise<number[]> {
  log(`latency: ${LATENCY_N} photos added one at a time on A with agents A and B running …`);
  // Staged on the same disk, then renamed in: the file appears on A whole, at a known instant.
  const staging = await h.tempDir('bench-staging');
  const photos = await writePhotos(staging, LATENCY_N + 1, { targetBytes: SIZE_MB * 1024 * 1024, seed: 4048, start: 100_000, prefix: 'LAT_' });
  await mkdir(join(a.syncDir, 'Latency'), { recursive: true });
  h.startAgent(a);
  h.startAgent(b);
  // A warm-up photo (not counted): both agents are up, idle and watching once B has it.
  await propagate(photos[0], staging, a, b, 120_000);
  const latencies: number[] = [];
  for (const photo of photos.slice(1)) latencies.push(await propagate(photo, staging, a, b, 60_000));
  return latencies;
}

/** Renames `photo` into A's folder and returns the ms until B holds it complete and identical. */
async function propagate(photo: WrittenPhoto, staging: string, a: Device, b: Device, timeoutMs: number): Promise<number> {
  const rel = join('Latency', photo.relativePath);
  const target = join(b.syncDir, rel);
  const start = performance.now();
  await rename(join(staging, photo.relativePath), join(a.syncDir, rel));
  for (;;) {
    const size = await stat(target).then((s) => s.size, () => -1);
    if (size === photo.bytes.length && (await hashFile(target).catch(() => '')) === photo.sha256) {
      return performance.now() - start;
    }
    if (performance.now() - start > timeoutMs) throw new Error(`${rel} did not reach B within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function printReport(rows: Row[], latencies: number[], totalBytes: number, startupSeconds: number): void {
  const reference = rows[0];
  const refRate = reference.bytes / MB / reference.seconds;
  const cpu = cpus();
  console.log('');
  console.log(`Skyroll sync benchmark — ${new Date().toISOString()}`);
  console.log(
    `${N} photos, ${(totalBytes / MB).toFixed(1)} MB (avg ${(totalBytes / N / MB).toFixed(2)} MB); ` +
      `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ` +
      `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; MB = 10^6 bytes`,
  );
  console.log('');
  const header = ['operation', 'time (s)', 'MB/s', 'photos/s', 'vs cp -r'];
  const body = rows.map((r) => {
    const rate = r.bytes / MB / r.seconds;
    return [r.operation, r.seconds.toFixed(2), rate.toFixed(1), (N / r.seconds).toFixed(1), `${(rate / refRate).toFixed(3)}×`];
  });
  table(header, body);
  console.log(`(each skyroll row includes the CLI's start-up: \`skyroll --version\` takes ${startupSeconds.toFixed(2)} s here)`);
  if (latencies.length > 0) {
    const sorted = [...latencies].sort((x, y) => x - y);
    const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
    console.log('');
    console.log(`Propagation A → B, one ~${SIZE_MB} MB photo at a time, agents running (${sorted.length} samples):`);
    table(
      ['p50 (ms)', 'p90 (ms)', 'p99 (ms)', 'min (ms)', 'max (ms)', 'mean (ms)'],
      [[percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted[0], sorted[sorted.length - 1], mean].map((x) => x.toFixed(0))],
    );
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((hd, i) => Math.max(hd.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !relative(dir, entry.parentPath).split('/').includes('.skyroll')) n++;
  }
  return n;
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function log(message: string): void {
  console.error(`[bench] ${message}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
