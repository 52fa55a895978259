/**
 * Timeline benchmark: a library of 100,000 assets (seeded straight into the embedded SQLite
 * database of a real `skyroll server`), then
 *   1. GET /api/timeline/buckets — p50/p95 over many runs, beside the same GROUP BY run directly
 *      on the same database file with better-sqlite3 (the floor: no HTTP, no framework);
 *   2. GET /api/timeline/bucket for the newest month and for a month in the middle, beside the
 *      same SELECT run directly;
 *   3. the web app's first render in Chromium: navigation → first tile on screen, → the timeline
 *      at its full scroll height; tiles in the DOM after scrolling to the middle (virtualisation);
 *      beside a static page of the same number of tiles without virtualisation.
 *
 *   npm run bench:timeline                         # 100,000 assets, 200 API runs, 5 page loads
 *   npm run bench:timeline -- --n 20000 --runs 50 --loads 3
 *
 * Options (or env): --n (BENCH_N), --runs (BENCH_RUNS), --loads (BENCH_LOADS), --dir (BENCH_DIR,
 * default ./.bench-tmp), --keep (BENCH_KEEP=1). The report goes to stdout, progress to stderr.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, ROUTES, type TimelineBucketResponse, type TimelineBucketsResponse } from '@skyroll/protocol';
import { ApiClient } from '../test/support/api.js';
import { launchChromium, WebApp } from '../test/support/browser.js';
import { Harness, REPO_ROOT } from '../test/support/harness.js';
import { measureFirstRender, RENDER_PROBE_SCRIPT, staticTimelineHtml, tilesAtMiddle, type RenderTimes, type ScrolledTiles } from './timeline-render.js';
import { seedTimeline } from './timeline-seed.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string' },
    runs: { type: 'string' },
    loads: { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean' },
  },
  strict: true,
});

const N = Number(args.n ?? process.env.BENCH_N ?? 100_000);
const RUNS = Number(args.runs ?? process.env.BENCH_RUNS ?? 200);
const LOADS = Number(args.loads ?? process.env.BENCH_LOADS ?? 5);
const ROOT = args.dir ?? process.env.BENCH_DIR ?? join(REPO_ROOT, '.bench-tmp');
const KEEP = args.keep ?? process.env.BENCH_KEEP === '1';
const EMAIL = 'timeline-bench@example.test';
const PASSWORD = 'correct horse battery bench';

const progress = (line: string): void => void process.stderr.write(`[bench:timeline] ${line}\n`);

async function main(): Promise<void> {
  if (!(N > 0 && RUNS > 0 && LOADS > 0)) throw new Error('--n, --runs and --loads must be positive');
  const h = new Harness({ root: ROOT });
  try {
    await bench(h);
  } finally {
    if (KEEP) console.error(`kept the folders under ${ROOT}`);
    else await h.cleanup();
  }
}

async function bench(h: Harness): Promise<void> {
  // The server's own start applies its migrations; the account is made through the API (a real
  // password hash, so the browser can sign in); then, with the server stopped, the library.
  const server = await h.startServer();
  await ApiClient.signup(server.url, EMAIL, PASSWORD);
  await server.stop();
  const dbFile = join(server.dataDir, 'skyroll.db');
  const seeded = seedTimeline({ file: dbFile, email: EMAIL, count: N });
  progress(`seeded ${seeded.assets} assets (${seeded.videos} videos, ${seeded.favorites} favorites, ${seeded.hidden} hidden) in ${seeded.seconds.toFixed(1)} s`);
  await server.start();
  const api = await ApiClient.login(server.url, EMAIL, PASSWORD, 'bench');

  // ---- the API, beside the same queries on the same file ----
  const reference = new Database(dbFile, { readonly: true });
  const direct = directQueries(reference, seeded.accountId);
  const buckets = await getJson<TimelineBucketsResponse>(api, ROUTES.timelineBuckets);
  if (buckets.total !== N - seeded.hidden) throw new Error(`the timeline counts ${buckets.total} assets, the seed made ${N - seeded.hidden} visible ones`);
  const newest = buckets.buckets[0];
  const middle = buckets.buckets[Math.floor(buckets.buckets.length / 2)];
  const largest = buckets.buckets.reduce((a, b) => (b.count > a.count ? b : a));
  const bucketPath = (b: string) => `${ROUTES.timelineBucket}?bucket=${b}`;
  if (JSON.stringify(direct.days()) !== JSON.stringify(buckets.buckets)) throw new Error('the reference GROUP BY disagrees with the API');
  const directNewest = direct.bucket(newest.bucket);
  if (directNewest.length !== newest.count) throw new Error(`reference query: ${directNewest.length} assets in ${newest.bucket}, the API says ${newest.count}`);

  progress(`API: ${RUNS} runs each`);
  // The month list is counted afresh only after the journal moved (any change to the library);
  // otherwise it comes from the server's cache. Time both: a favorite toggled before each cold run.
  const someone = (await getJson<TimelineBucketResponse>(api, bucketPath(newest.bucket))).assets[0]!.id;
  let favorite = false;
  const moveJournal = async () => {
    favorite = !favorite;
    const res = await fetch(api.baseUrl + ROUTES.assetMetadata(someone), {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), 'content-type': 'application/json' },
      body: JSON.stringify({ favorite }),
    });
    if (res.status !== 200) throw new Error(`PATCH metadata: ${res.status}`);
  };
  const rows: Row[] = [
    row('GET /api/timeline/buckets (after a change: counted)', `${buckets.buckets.length} months`, await timeHttp(api, ROUTES.timelineBuckets, RUNS, moveJournal)),
    row('GET /api/timeline/buckets (again: from the cache)', `${buckets.buckets.length} months`, await timeHttp(api, ROUTES.timelineBuckets, RUNS)),
    row('  reference: GROUP BY month (strftime) in better-sqlite3', '', timeSync(() => direct.months(), RUNS)),
    row('  reference: GROUP BY day, folded into months', '', timeSync(() => direct.days(), RUNS)),
    row('  reference: GROUP BY day + JSON.stringify', '', timeSync(() => JSON.stringify({ buckets: direct.days() }), RUNS)),
    row(`GET /api/timeline/bucket (newest, ${newest.bucket})`, `${newest.count} assets`, await timeHttp(api, bucketPath(newest.bucket), RUNS)),
    row('  reference: the SELECT in better-sqlite3', '', timeSync(() => direct.bucket(newest.bucket), RUNS)),
    row('  reference: SELECT + JSON.stringify', '', timeSync(() => JSON.stringify({ assets: direct.bucket(newest.bucket) }), RUNS)),
    row(`GET /api/timeline/bucket (middle, ${middle.bucket})`, `${middle.count} assets`, await timeHttp(api, bucketPath(middle.bucket), RUNS)),
    row('  reference: the SELECT in better-sqlite3', '', timeSync(() => direct.bucket(middle.bucket), RUNS)),
    row('  reference: SELECT + JSON.stringify', '', timeSync(() => JSON.stringify({ assets: direct.bucket(middle.bucket) }), RUNS)),
    row(`GET /api/timeline/bucket (largest, ${largest.bucket})`, `${largest.count} assets`, await timeHttp(api, bucketPath(largest.bucket), RUNS)),
    row('  reference: SELECT + JSON.stringify', '', timeSync(() => JSON.stringify({ assets: direct.bucket(largest.bucket) }), RUNS)),
  ];
  reference.close();
  const bucketBytes = JSON.stringify(await getJson<TimelineBucketResponse>(api, bucketPath(largest.bucket))).length;

  // ---- the web app in Chromium, beside a static page of as many tiles ----
  progress(`first render: ${LOADS} page loads, then the static reference`);
  const browser = await launchChromium();
  let app: RenderRun;
  let staticPage: RenderRun;
  try {
    const web = await WebApp.open(browser, server.url, { label: 'bench' });
    await web.signIn(EMAIL, PASSWORD);
    await web.context.addInitScript({ content: RENDER_PROBE_SCRIPT });
    app = await renderRuns(web, '/', LOADS);
    if (web.pageErrors.length > 0) throw new Error(`the web app failed while measured:\n${web.report()}`);
    await web.close();

    const reference = await WebApp.open(browser, 'http://reference.test', { label: 'static' });
    const html = staticTimelineHtml(buckets.buckets);
    await reference.page.route('http://reference.test/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await reference.context.addInitScript({ content: RENDER_PROBE_SCRIPT });
    staticPage = await renderRuns(reference, '/', LOADS);
    await reference.close();
  } finally {
    await browser.close();
  }

  // ---- the report ----
  console.log('');
  console.log(`Skyroll timeline benchmark — ${new Date().toISOString()}`);
  console.log(
    `${N} assets seeded (${seeded.videos} videos, ${seeded.favorites} favorites, ${seeded.hidden} hidden) over 10 years, ` +
      `${buckets.buckets.length} months; embedded SQLite; ${cpus().length} × ${cpuName()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
      `Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  console.log('');
  console.log(`API over loopback HTTP (keep-alive), ${RUNS} runs each after 5 warm-up runs; the largest month's response ${(bucketBytes / 1024).toFixed(0)} KiB:`);
  table(
    ['request', 'size', 'p50 (ms)', 'p95 (ms)', 'max (ms)'],
    rows.map((r) => [r.what, r.size, ms(r.p50), ms(r.p95), ms(r.max)]),
  );
  console.log('');
  console.log(`First render in Chromium ${browser.version()}, 1280×900, ${LOADS} loads (ms from navigation start; median, first load in brackets):`);
  table(
    ['page', 'first tile', 'full height', 'height (px)', 'tiles in DOM (top)', 'scroll to middle: tiles shown (ms)', 'tiles in DOM (middle)', 'elements (middle)'],
    [
      renderRow(`web app, ${buckets.total} assets (virtualised)`, app),
      renderRow(`reference: static page, ${buckets.total} tiles`, staticPage),
    ],
  );
}

interface Row {
  what: string;
  size: string;
  p50: number;
  p95: number;
  max: number;
}

function row(what: string, size: string, samples: number[]): Row {
  const sorted = [...samples].sort((a, b) => a - b);
  return { what, size, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1] };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function getJson<T>(api: ApiClient, path: string): Promise<T> {
  const res = await api.request<T>(path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

/** Wall time of `runs` GETs (the whole body read), after 5 warm-up requests. */
/** `before`: untimed work before each timed request (e.g. a change that moves the journal). */
async function timeHttp(api: ApiClient, path: string, runs: number, before?: () => Promise<void>): Promise<number[]> {
  const headers = { authorization: `Bearer ${api.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
  const once = async (): Promise<number> => {
    const started = performance.now();
    const res = await fetch(api.baseUrl + path, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    return performance.now() - started;
  };
  // The first warm-up may meet a keep-alive connection the server closed while idle (during the
  // reference runs): that failure is the connection's, and the next request opens a new one.
  for (let i = 0; i < 5; i++) await once().catch((err) => (i === 0 ? 0 : Promise.reject(err)));
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    await before?.();
    samples.push(await once());
  }
  progress(`GET ${path}: median ${ms(quantile([...samples].sort((a, b) => a - b), 0.5))} ms`);
  return samples;
}

function timeSync(fn: () => unknown, runs: number): number[] {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * The timeline's two reads written directly in SQL: what the API's answers must at least cost.
 * Same filters as the API's default view (live, not hidden), same sort time (taken, else added),
 * same month boundaries (UTC).
 */
function directQueries(db: Database.Database, accountId: string) {
  const sortAt = 'coalesce(a.taken_at, a.created_at)';
  const monthsQuery = db.prepare(
    `select strftime('%Y-%m', ${sortAt} / 1000, 'unixepoch') as bucket, count(*) as count
     from assets a where a.account_id = ? and a.hidden = 0 and a.trashed_at is null
     group by bucket order by bucket desc`,
  );
  // Per UTC day, folded into months afterwards: cheaper per row than SQLite's date functions.
  const day = `(${sortAt} - ((${sortAt} % 86400000) + 86400000) % 86400000) / 86400000`;
  const daysQuery = db.prepare(
    `select ${day} as day, count(*) as count
     from assets a where a.account_id = ? and a.hidden = 0 and a.trashed_at is null
     group by day order by day desc`,
  );
  const bucketQuery = db.prepare(
    `select a.id, ${sortAt} as sortAt, b.type, b.width, b.height, a.favorite, d.thumbhash, d.duration_ms as durationMs
     from assets a
     join blobs b on b.account_id = a.account_id and b.checksum = a.checksum
     left join derivatives d on d.account_id = a.account_id and d.checksum = a.checksum and d.kind = 'thumbnail'
     where a.account_id = ? and a.hidden = 0 and a.trashed_at is null and ${sortAt} >= ? and ${sortAt} < ?
     order by ${sortAt} desc`,
  );
  return {
    months: () => monthsQuery.all(accountId),
    days: () => {
      const months = new Map<string, number>();
      for (const { day, count } of daysQuery.all(accountId) as Array<{ day: number; count: number }>) {
        const month = new Date(day * 86_400_000).toISOString().slice(0, 7);
        months.set(month, (months.get(month) ?? 0) + count);
      }
      return [...months].map(([bucket, count]) => ({ bucket, count }));
    },
    bucket: (month: string) => {
      const [y, m] = month.split('-').map(Number);
      return bucketQuery.all(accountId, Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1));
    },
  };
}

interface RenderRun {
  loads: RenderTimes[];
  middle: ScrolledTiles;
}

/** `loads` navigations to `path` (the first one cold for the page's data), then a scroll to the middle. */
async function renderRuns(web: WebApp, path: string, loads: number): Promise<RenderRun> {
  const times: RenderTimes[] = [];
  for (let i = 0; i < loads; i++) {
    const t = await measureFirstRender(web.page, path);
    if (t.firstTileMs === null) throw new Error(`no tile showed on ${web.baseUrl}${path}\n${web.report()}`);
    times.push(t);
  }
  return { loads: times, middle: await tilesAtMiddle(web.page) };
}

function renderRow(what: string, run: RenderRun): string[] {
  const median = (pick: (t: RenderTimes) => number | null): string => {
    const values = run.loads.map(pick).filter((v): v is number => v !== null).sort((a, b) => a - b);
    const first = pick(run.loads[0]);
    return values.length ? `${ms(quantile(values, 0.5))} (${first === null ? '–' : ms(first)})` : '–';
  };
  const last = run.loads[run.loads.length - 1];
  const middle = run.middle;
  return [
    what,
    median((t) => t.firstTileMs),
    median((t) => t.fullHeightMs),
    String(last.scrollHeight),
    String(last.tilesAtTop),
    middle.shownMs === null ? 'none shown' : ms(middle.shownMs),
    `${middle.tiles} (${middle.visible} on screen)`,
    String(middle.elements),
  ];
}

function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(0);
}

function cpuName(): string {
  return (cpus()[0]?.model ?? 'CPU').replace(/\s+/g, ' ').trim();
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

await main();
