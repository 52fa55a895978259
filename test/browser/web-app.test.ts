/**
 * The web app in a real Chromium against a real `skyroll server`, with a real agent (`skyroll
 * sync`) on the same account: what a person does on the web reaches the agent, and what the agent
 * does shows up in the open page without a reload. One server, one account and one browser tab for
 * the file; the tests run in order, each starting where the previous one left the library.
 * Screenshots of each step land in test-artifacts/browser/.
 */
import { ROUTES, SESSION_COOKIE, type Device as ApiDevice, type StorageDetails } from '@skyroll/protocol';
import { basename } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.js';
import { launchChromium, PHONE, trackWebApps, WebApp } from '../support/browser.js';
import { statusOf, waitForDoctorFailing, waitForReason } from '../support/doctor.js';
import { Harness, waitFor, type Account, type Device, type SkyrollServer, type StatusItem } from '../support/harness.js';
import { writePhotos, type WrittenPhoto } from '../support/photos.js';
import { waitForItem } from '../support/policy.js';

const SMALL = { targetBytes: 60 * 1024 };
/** Derivatives are made by a background job; on a loaded 2-core machine give them a while. */
const THUMBNAIL_MS = 30_000;
/** A change on one side reaching the other (SSE poke + fetch), with room for a busy machine. */
const LIVE_MS = 20_000;

/** `status --json` items carry the asset's metadata as the agent holds it. */
type ItemWithMetadata = StatusItem & { favorite?: boolean };

describe('the web app in Chromium', () => {
  const h = new Harness();
  let server: SkyrollServer;
  let browser: Browser;
  let web: WebApp | undefined;
  let phone: WebApp | undefined;
  const account: Account = { email: `web-${process.pid}@example.test`, password: 'correct horse battery web', devices: [] };
  /** The agent's device, signed in to the same account after the sign-up through the UI. */
  let deviceA: Device;
  /** An API client of the same account, for what the server says. */
  let api: ApiClient;
  let uploaded: WrittenPhoto[] = [];
  /** The server's asset (id and path) by file name: the web app files uploads under a folder of its choosing. */
  const assetOf = new Map<string, { id: string; path: string }>();

  trackWebApps(() => [web, phone]);

  beforeAll(async () => {
    [server, browser] = await Promise.all([h.startServer(), launchChromium()]);
    web = await WebApp.open(browser, server.url);
  });
  afterAll(async () => {
    await web?.close();
    await phone?.close();
    await browser?.close();
    await h.cleanup();
  });

  const page = () => web!.page;
  /** A visible navigation link (the app may render one nav for wide screens, another for phones). */
  const navLink = (href: string): Locator => page().locator(`a[href="${href}"]:visible`).first();
  const tiles = () => page().locator('[data-testid=asset-tile]');

  async function expectThumbnailLoaded(app: WebApp, assetId: string, what: string): Promise<void> {
    await app.tile(assetId).waitFor({ state: 'visible', timeout: LIVE_MS });
    await waitFor(() => app.thumbnailLoaded(assetId), THUMBNAIL_MS, `the thumbnail of ${what} (${assetId}) to load`, {
      explain: async () => `tile: ${await app.tile(assetId).evaluate((t) => t.outerHTML).catch(() => 'missing')}\n${app.report()}`,
    });
  }

  /** Waits until the server has `count` live assets, and records their ids by path. */
  async function waitForLiveAssets(count: number, what: string): Promise<void> {
    let last = -1;
    await waitFor(
      async () => {
        const live = await api.liveAssets();
        last = live.length;
        for (const a of live) assetOf.set(basename(a.path), { id: a.id, path: a.path });
        return live.length === count;
      },
      LIVE_MS,
      what,
      { explain: () => `live assets on the server: ${last}` },
    );
  }

  function serverAsset(photo: WrittenPhoto): { id: string; path: string } {
    const asset = assetOf.get(photo.name);
    if (!asset) throw new Error(`no asset named ${photo.name} on the server (known: ${[...assetOf.keys()].join(', ')})`);
    return asset;
  }
  const assetId = (photo: WrittenPhoto): string => serverAsset(photo).id;

  it('signs up, signs out and signs in through the UI (a wrong password says so)', { timeout: 60_000 }, async () => {
    await web!.signUp(account.email, account.password);
    await page().locator('[data-testid=timeline-empty]').waitFor({ state: 'visible' });
    const cookies = await web!.context.cookies();
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    expect(session, `the session cookie (cookies: ${cookies.map((c) => c.name).join(', ')})`).toBeTruthy();
    expect(session!.httpOnly, 'the session cookie is HttpOnly').toBe(true);
    await web!.shot('signed-up');

    await page().locator('[data-testid=sign-out]').first().click();
    await page().waitForURL('**/login');
    await expect.poll(async () => (await web!.context.cookies()).some((c) => c.name === SESSION_COOKIE && c.value !== ''), { timeout: 5_000 }).toBe(false);
    expect(await page().locator('a[href="/signup"]').count(), 'the sign-in page links to sign-up').toBeGreaterThan(0);

    await web!.fillAuthForm(account.email, 'not the password');
    await page().locator('[data-testid=auth-error]').waitFor({ state: 'visible' });
    expect((await page().locator('[data-testid=auth-error]').textContent())?.trim(), 'the error says something').toBeTruthy();
    expect(new URL(page().url()).pathname).toBe('/login');
    await web!.shot('wrong-password');

    await web!.signIn(account.email, account.password);
    await page().locator('[data-testid=timeline-empty]').waitFor({ state: 'visible' });
    await web!.shot('signed-in');

    // The agent of this test file: a device of the same account, syncing a folder of its own.
    deviceA = await h.addDevice(server, account, 'A');
    h.startAgent(deviceA);
    api = await ApiClient.login(server.url, account.email, account.password);
  });

  it('uploads three photos through the file picker and shows their thumbnails', { timeout: 60_000 }, async () => {
    const folder = await h.tempDir('web-upload');
    uploaded = await writePhotos(folder, 3, { ...SMALL, seed: 501, prefix: 'WEB_' });
    await page().locator('input[type=file][data-testid=upload-input]').setInputFiles(uploaded.map((p) => p.absolutePath));
    await page().locator('[data-testid=upload-done]').waitFor({ state: 'attached', timeout: 30_000 });
    await web!.shot('uploaded');

    await waitForLiveAssets(3, 'the three uploads on the server');
    for (const photo of uploaded) await expectThumbnailLoaded(web!, assetId(photo), photo.name);
    await expect.poll(() => page().locator('[data-testid=timeline]').getAttribute('data-total')).toBe('3');
    expect(await tiles().count()).toBe(3);
    expect(await page().locator('[data-testid=bucket-header]').count(), 'a month header').toBeGreaterThan(0);
    expect(await page().locator('[data-testid=day-header]').count(), 'a day header').toBeGreaterThan(0);
    await web!.shot('thumbnails');
  });

  it('favorites a photo in the viewer, and the running agent picks it up', { timeout: 60_000 }, async () => {
    const photo = uploaded[0];
    const { id, path } = serverAsset(photo);
    await web!.tile(id).click();
    const viewer = page().locator('[data-testid=viewer]');
    await viewer.waitFor({ state: 'visible' });
    expect(await viewer.getAttribute('data-asset-id')).toBe(id);
    expect(new URL(page().url()).pathname).toBe(`/photo/${id}`);
    const toggle = page().locator('[data-testid=favorite-toggle]');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    await web!.shot('favorited');

    await page().keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
    await expect.poll(() => web!.tile(id).getAttribute('data-favorite')).toBe('true');

    let last: ItemWithMetadata | undefined;
    await waitFor(
      async () => {
        const status = await statusOf(deviceA);
        last = status.items.find((i) => i.path === path) as ItemWithMetadata | undefined;
        return last?.favorite === true;
      },
      LIVE_MS,
      `the agent's status to show ${path} as a favorite`,
      { explain: () => `its item: ${JSON.stringify(last ?? null)}` },
    );

    await navLink('/favorites').click();
    await page().waitForURL('**/favorites');
    await web!.tile(id).waitFor({ state: 'visible' });
    expect(await tiles().count(), 'Favorites shows the one favorite').toBe(1);
    await web!.shot('favorites');
    await navLink('/').click();
    await page().waitForURL((url) => url.pathname === '/');
  });

  it("shows a photo an agent adds in the open page, without a reload", { timeout: 60_000 }, async () => {
    await tiles().first().waitFor({ state: 'visible' });
    // A reload would drop this marker.
    await page().evaluate(() => ((window as unknown as { skyrollTestMarker: number }).skyrollTestMarker = 42));
    const [photo] = await writePhotos(deviceA.syncDir, 1, { ...SMALL, seed: 502, prefix: 'AGENT_' });
    await waitForLiveAssets(4, "the agent's photo on the server");
    await expectThumbnailLoaded(web!, assetId(photo), "the agent's photo");
    await expect.poll(() => page().locator('[data-testid=timeline]').getAttribute('data-total')).toBe('4');
    expect(await page().evaluate(() => (window as unknown as { skyrollTestMarker?: number }).skyrollTestMarker), 'the page was not reloaded').toBe(42);
    await web!.shot('agent-photo');
  });

  it('deletes a photo in the viewer, finds it in Recently Deleted with days left, restores it', { timeout: 60_000 }, async () => {
    const photo = uploaded[1];
    const id = assetId(photo);
    await web!.tile(id).click();
    await page().locator(`[data-testid=viewer][data-asset-id="${id}"]`).waitFor({ state: 'visible' });
    await page().locator('[data-testid=delete]').click();
    // Deleting may ask to confirm first (it moves to Recently Deleted, so it need not).
    const confirm = page().locator('[data-testid=confirm]');
    await waitFor(
      async () => {
        if (await confirm.isVisible()) await confirm.click();
        return (await api.trashedAssets()).some((a) => a.id === id);
      },
      LIVE_MS,
      `${photo.name} in the trash on the server`,
    );
    // The viewer moves on to the next photo once the server answered: close it.
    const viewer = page().locator('[data-testid=viewer]');
    if (await viewer.isVisible()) await page().keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden', timeout: LIVE_MS });
    await expect.poll(() => web!.tile(id).count(), { timeout: LIVE_MS }).toBe(0);
    await expect.poll(() => page().locator('[data-testid=timeline]').getAttribute('data-total')).toBe('3');
    await web!.shot('deleted');

    await navLink('/trash').click();
    await page().waitForURL('**/trash');
    const item = page().locator(`[data-testid=trash-item][data-asset-id="${id}"]`);
    await item.waitFor({ state: 'visible' });
    expect((await item.locator('[data-testid=days-left]').textContent())?.trim()).toMatch(/\b(29|30) days\b/);
    await web!.shot('trash');

    await item.locator('[data-testid=restore]').click();
    await item.waitFor({ state: 'detached', timeout: LIVE_MS });
    await page().locator('[data-testid=trash-empty]').waitFor({ state: 'visible' });
    await waitFor(async () => (await api.trashedAssets()).length === 0, LIVE_MS, 'the trash on the server to be empty again');

    await navLink('/').click();
    await page().waitForURL((url) => url.pathname === '/');
    await expectThumbnailLoaded(web!, id, `${photo.name}, restored`);
    await expect.poll(() => page().locator('[data-testid=timeline]').getAttribute('data-total')).toBe('4');
    await web!.shot('restored');
  });

  it("shows storage figures equal to the server's", { timeout: 30_000 }, async () => {
    const res = await api.request<StorageDetails>(ROUTES.storage);
    expect(res.status, res.text).toBe(200);
    const storage = res.body;
    expect(storage.usedBytes, 'four originals are stored').toBeGreaterThan(0);
    await navLink('/storage').click();
    await page().waitForURL('**/storage');
    const bytes = (testid: string) => page().locator(`[data-testid=${testid}]`).getAttribute('data-bytes', { timeout: 10_000 });
    const shown = async () => ({
      used: await bytes('storage-used'),
      quota: await bytes('storage-quota'),
      photos: await bytes('storage-photos'),
      videos: await bytes('storage-videos'),
      trash: await bytes('storage-trash'),
      versions: await bytes('storage-versions'),
    });
    await expect
      .poll(shown, { timeout: 10_000 })
      .toEqual({
        used: String(storage.usedBytes),
        quota: String(storage.quotaBytes),
        photos: String(storage.breakdown.photos),
        videos: String(storage.breakdown.videos),
        trash: String(storage.breakdown.trash),
        versions: String(storage.breakdown.versions),
      });
    expect((await page().locator('[data-testid=storage-plan]').textContent())?.toLowerCase()).toContain(storage.plan.toLowerCase());
    await web!.shot('storage');
  });

  it("turning a device's sync off on /devices stops that agent with reason sync-enabled", { timeout: 90_000 }, async () => {
    const devices = await api.request<{ devices: ApiDevice[] }>(ROUTES.devices);
    const agentDevice = devices.body.devices.find((d) => d.name === 'device-A');
    expect(agentDevice, devices.text).toBeTruthy();
    await navLink('/devices').click();
    await page().waitForURL('**/devices');
    const card = page().locator(`[data-testid=device][data-device-id="${agentDevice!.id}"]`);
    await card.waitFor({ state: 'visible' });
    await card.locator('[data-testid=device-last-seen]').waitFor({ state: 'attached' });
    const syncToggle = card.locator('input[type=checkbox][data-setting=sync]');
    expect(await syncToggle.isChecked()).toBe(true);
    await syncToggle.click();
    await expect.poll(() => syncToggle.isChecked()).toBe(false);
    await web!.shot('sync-off');

    await waitForDoctorFailing(deviceA, 'sync-enabled', {}, LIVE_MS);
    const [held] = await writePhotos(deviceA.syncDir, 1, { ...SMALL, seed: 503, prefix: 'HELD_' });
    await waitForReason(deviceA, [held.relativePath], 'sync-enabled', {}, LIVE_MS);
    // The agent reports its health on change: the page shows why the device waits.
    const reason = card.locator('[data-testid=device-reason]');
    await expect.poll(() => reason.getAttribute('data-reason'), { timeout: LIVE_MS }).toBe('sync-enabled');
    expect((await reason.textContent())?.trim(), 'the reason in words, with its fix').toBeTruthy();
    await web!.shot('device-waiting');

    // Back on: the held photo goes up by itself.
    await syncToggle.click();
    await expect.poll(() => syncToggle.isChecked()).toBe(true);
    await waitForItem(h, deviceA, held.relativePath, { state: 'synced' }, LIVE_MS);
  });

  it('serves the web app manifest and links it from the page', { timeout: 30_000 }, async () => {
    const href = await page().locator('link[rel=manifest]').getAttribute('href');
    expect(href, 'a <link rel=manifest>').toBeTruthy();
    const res = await fetch(new URL(href!, server.url));
    expect(res.status).toBe(200);
    const manifest = (await res.json()) as { name?: string; start_url?: string; display?: string; icons?: Array<{ src: string }> };
    expect(manifest.name).toBeTruthy();
    expect(manifest.start_url).toBeTruthy();
    expect(manifest.display).toMatch(/standalone|fullscreen|minimal-ui/);
    expect(manifest.icons?.length, 'icons').toBeGreaterThan(0);
    for (const icon of manifest.icons!) expect((await fetch(new URL(icon.src, res.url))).status, icon.src).toBe(200);
  });

  it('on a phone-sized screen shows the bottom navigation and the timeline', { timeout: 60_000 }, async () => {
    phone = await WebApp.open(browser, server.url, { ...PHONE, label: 'phone' });
    await phone.signIn(account.email, account.password);
    const p = phone.page;
    await p.locator('[data-testid=asset-tile]').first().waitFor({ state: 'visible' });
    const id = assetId(uploaded[0]);
    await expectThumbnailLoaded(phone, id, 'a photo on the phone');

    const height = PHONE.viewport!.height;
    const width = PHONE.viewport!.width;
    for (const href of ['/', '/albums']) {
      const link = p.locator(`a[href="${href}"]:visible`).last();
      const box = await link.boundingBox();
      expect(box, `a visible ${href} link`).toBeTruthy();
      expect(box!.y + box!.height, `the ${href} link sits at the bottom of the screen`).toBeGreaterThan(height - 100);
      expect(box!.y + box!.height).toBeLessThanOrEqual(height + 1);
    }
    expect(await p.evaluate(() => document.documentElement.scrollWidth), 'nothing wider than the screen').toBeLessThanOrEqual(width);
    const tile = await phone.tile(id).boundingBox();
    expect(tile!.width, 'tiles fit the phone').toBeLessThan(width);
    await phone.shot('timeline');
  });
});
