/**
 * The web app in a real browser: Debian's Chromium driven by playwright-core (which never downloads
 * browsers of its own; `scripts/install-browser.mjs` installs Chromium before the tests run).
 *
 * A `WebApp` is one browser tab on the server's web app. It records what went wrong in the page —
 * uncaught errors (which fail the test: see `trackWebApps`), console errors and failed requests
 * (printed with a failure) — and saves screenshots to test-artifacts/browser/<test>-<step>.png at
 * each step a test names and whenever a test fails.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterEach, beforeEach } from 'vitest';
import { CHROMIUM, ensureDebianPackage } from './debian.js';
import { REPO_ROOT } from './processes.js';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts/browser');

/** The test running now (a WebApp opened inside a test names its screenshots after it). */
let currentTest = 'setup';

/**
 * Headless, with nothing of its own talking to the network (no updates, sync, QUIC or field
 * trials), so a test's traffic is the web app's alone. No sandbox: tests may run as root,
 * where Chromium refuses its sandbox.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches Chromium. Each launch gets a fresh temporary profile (user-data dir), removed when the
 * browser closes, so nothing (cookies, cache, service workers) carries over between runs.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureDebianPackage(CHROMIUM);
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** The phone the mobile tests use: an iPhone-sized viewport with touch. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export class WebApp {
  /** Uncaught exceptions and unhandled rejections in the page: each one fails the test. */
  readonly pageErrors: string[] = [];
  readonly consoleErrors: string[] = [];
  readonly failedRequests: string[] = [];
  /** The running test's name, for screenshot file names (kept up to date by `trackWebApps`). */
  testName = currentTest;

  private constructor(
    readonly baseUrl: string,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly label: string,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(`${err.name}: ${err.message}\n${err.stack ?? ''}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.consoleErrors.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on('requestfailed', (req) => this.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText ?? 'failed'}`));
    page.on('response', (res) => {
      if (res.status() >= 500) this.failedRequests.push(`${res.request().method()} ${res.url()}: HTTP ${res.status()}`);
    });
  }

  /** A new tab in a context of its own (its own cookies), on the web app at `baseUrl`. */
  static async open(browser: Browser, baseUrl: string, options: BrowserContextOptions & { label?: string } = {}): Promise<WebApp> {
    const { label = 'desktop', ...contextOptions } = options;
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 }, ...contextOptions });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    return new WebApp(baseUrl, context, page, label);
  }

  /** Saves a screenshot of the page as test-artifacts/browser/<test>-<step>.png. */
  async shot(step: string): Promise<string> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const file = join(SCREENSHOT_DIR, `${screenshotPrefix(this.testName)}${slug(step)}.png`);
    await this.page.screenshot({ path: file, fullPage: false, timeout: 10_000 });
    return file;
  }

  /** What went wrong in the page so far, for a failure message. */
  report(): string {
    const list = (title: string, items: string[]) => (items.length ? `${title}:\n  ${items.slice(-20).join('\n  ')}` : '');
    return [
      `page ${this.label} at ${this.page.url()}`,
      list('uncaught page errors', this.pageErrors),
      list('console errors', this.consoleErrors),
      list('failed requests', this.failedRequests),
    ]
      .filter(Boolean)
      .join('\n');
  }

  /** Signs up through the sign-up form; ends signed in, on the timeline (signing in if the app asks to). */
  async signUp(email: string, password: string): Promise<void> {
    await this.page.goto('/signup');
    await this.fillAuthForm(email, password);
    // After signing up the app either goes straight to the library or asks to sign in.
    await this.page.waitForURL((url) => url.pathname !== '/signup', { timeout: 15_000 });
    if (new URL(this.page.url()).pathname === '/login') await this.signIn(email, password);
    else await this.waitForLibrary();
  }

  /** Signs in through the sign-in form and waits for the timeline. */
  async signIn(email: string, password: string): Promise<void> {
    if (new URL(this.page.url()).pathname !== '/login') await this.page.goto('/login');
    await this.fillAuthForm(email, password);
    await this.waitForLibrary();
  }

  async fillAuthForm(email: string, password: string): Promise<void> {
    await this.page.locator('input[name=email]').fill(email);
    await this.page.locator('input[name=password]').fill(password);
    await this.page.locator('[data-testid=auth-submit]').click();
  }

  /** The Photos timeline is shown (empty or not). */
  async waitForLibrary(): Promise<void> {
    await this.page.locator('[data-testid=timeline], [data-testid=timeline-empty]').first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** The tile of one asset on the page. */
  tile(assetId: string) {
    return this.page.locator(`[data-testid=asset-tile][data-asset-id="${assetId}"]`);
  }

  /** The asset ids of the tiles rendered right now, in page order. */
  async tileIds(): Promise<string[]> {
    return this.page.locator('[data-testid=asset-tile]').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-asset-id') ?? ''));
  }

  /** Whether the tile's thumbnail has loaded: an <img> with real pixels, not a placeholder. */
  async thumbnailLoaded(assetId: string): Promise<boolean> {
    return this.tile(assetId)
      .locator('img[data-testid=thumbnail]')
      .evaluateAll((imgs) => imgs.some((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0));
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
  }
}

/**
 * Ties the file's WebApps to its running tests: screenshot names follow the test, a failing test
 * leaves a screenshot of every open app, and an uncaught error in a page fails the test it
 * happened in.
 */
export function trackWebApps(apps: () => Array<WebApp | undefined>): void {
  const open = () => apps().filter((a): a is WebApp => a !== undefined);
  beforeEach(async (ctx) => {
    currentTest = ctx.task.name;
    await removeScreenshotsOf(ctx.task.name);
    for (const web of open()) {
      web.testName = ctx.task.name;
      web.pageErrors.length = 0;
    }
    ctx.onTestFailed(async () => {
      for (const web of open()) {
        web.testName = ctx.task.name;
        await web.shot(`failure-${web.label}`).catch(() => {});
        console.error(`[browser] ${ctx.task.name} failed\n${web.report()}`);
      }
    });
  });
  afterEach(() => {
    const broken = open().filter((web) => web.pageErrors.length > 0);
    if (broken.length > 0) throw new Error(`uncaught error(s) in the web app:\n${broken.map((w) => w.report()).join('\n')}`);
  });
}

function screenshotPrefix(testName: string): string {
  return `${slug(testName)}-`;
}

/** A test's screenshots from an earlier run would pass for this run's: they go first. */
async function removeScreenshotsOf(testName: string): Promise<void> {
  const prefix = screenshotPrefix(testName);
  const files = await readdir(SCREENSHOT_DIR).catch(() => [] as string[]);
  await Promise.all(files.filter((f) => f.startsWith(prefix) && f.endsWith('.png')).map((f) => rm(join(SCREENSHOT_DIR, f), { force: true })));
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'step'
  );
}
